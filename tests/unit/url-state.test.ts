import { describe, expect, it } from 'vitest';
import { CONTROLS, controlProblem, defaultConfig, settingText, type PlaygroundConfig } from '../../src/core/settings/controls';
import { decodeHash, encodeHash } from '../../src/core/settings/url-hash';
import { findLesson, lessonConfig, LESSONS } from '../../src/core/lessons/lessons';
import { runConfigProblems } from '../../src/core/settings/run-options';

describe('configuration in the URL hash', () => {
  it('writes only the version, the seed and non-default values', () => {
    expect(encodeHash(defaultConfig())).toBe('#v=1&seed=0');
    expect(encodeHash({ ...defaultConfig(), beta: 0.05, method: 'online', seed: 7 })).toBe('#v=1&seed=7&mode=online&beta=0.05');
  });

  it('round-trips every control and the hidden list', () => {
    const config: PlaygroundConfig = {
      ...defaultConfig(),
      cooccurrenceBias: 0.5,
      method: 'mixed',
      lossTypes: 'ipo,sft:0.5',
      referenceFree: true,
      beta: 0.3,
      learningRate: 1e-3,
      steps: 42,
      temperature: 1.2,
      topK: 5,
      samples: 8,
    };
    const link = encodeHash(config, ['beta', 'learningRate']);
    // The link names settings by their URL keys, as links always have.
    expect(link).toBe(
      '#v=1&seed=0&cooc=0.5&mode=mixed&loss=ipo%2Csft%3A0.5&reffree=on&beta=0.3&lr=0.001&steps=42&temp=1.2&topk=5&k=8&hide=beta%2Clr',
    );
    const decoded = decodeHash(link);
    expect(decoded.config).toEqual(config);
    expect(decoded.hidden).toEqual(['beta', 'learningRate']);
    expect(decoded.problems).toEqual([]);
  });

  it('links written before settings had names in code open the same settings (reffree=on is Reference-free on)', () => {
    const { config, problems, hidden } = decodeHash('#v=1&seed=2&mode=online&k=6&temp=1&reffree=on&ls=0.1&evaln=100&hide=k,temp');
    expect(problems).toEqual([]);
    expect(config).toEqual({
      ...defaultConfig(),
      seed: 2,
      method: 'online',
      samples: 6,
      temperature: 1,
      referenceFree: true,
      labelSmoothing: 0.1,
      evalScenes: 100,
    });
    expect(hidden).toEqual(['samples', 'temperature']);
    expect(decodeHash('#v=1&reffree=off').config.referenceFree).toBe(false);
    expect(decodeHash('#v=1&reffree=true').problems).toEqual(['Reference-free must be one of off, on (got "true"); using off instead']);
  });

  it('number text is plain decimal: hex, binary and octal are refused, not read as another number', () => {
    const { config, problems } = decodeHash('#v=1&steps=0x10&beta=0b1&k=0o7&temp=%201.5%20');
    expect(config.steps).toBe(100);
    expect(config.beta).toBe(0.1);
    expect(config.samples).toBe(4);
    expect(config.temperature).toBe(1.5);
    expect(problems).toEqual([
      'Steps must be a number in decimal digits, like 16 or 1e-3 (got "0x10"); using 100 instead',
      'Beta must be a number in decimal digits, like 16 or 1e-3 (got "0b1"); using 0.1 instead',
      'Samples K must be a number in decimal digits, like 16 or 1e-3 (got "0o7"); using 4 instead',
    ]);
  });

  it('an empty hash is the defaults, silently', () => {
    expect(decodeHash('')).toEqual({ config: defaultConfig(), hidden: [], problems: [], present: false });
  });

  it('a tampered link keeps its good parts and says what it dropped', () => {
    const { config, problems } = decodeHash('#v=1&seed=3&beta=-2&mode=sideways&lr=abc&k=1&loss=dpo&steps=10&colour=blue&hide=beta,bogus');
    expect(config.seed).toBe(3);
    expect(config.steps).toBe(10);
    expect(config.beta).toBe(0.1);
    expect(config.method).toBe('offline');
    expect(problems).toEqual([
      'Beta must be greater than 0 (got -2); using 0.1 instead',
      'Method must be one of sft, offline, online, mixed (got "sideways"); using offline instead',
      'Learning rate must be a number (got "abc"); using 0.0002 instead',
      'Samples K must be at least 2 (got 1); using 4 instead',
      'Loss types: unknown loss type "dpo" (known: sigmoid, hinge, ipo, robust, bco_pair, nca_pair, sppo_hard, apo_zero, apo_down, exo_pair, aot, aot_unpaired, discopop, sigmoid_norm, sft); using sigmoid,sft:1 instead',
      'unknown setting "colour" in the link was ignored',
      'cannot hide unknown control "bogus"',
    ]);
  });

  it('a repeated key, a loss that cannot train and a huge value are each named, and the message stays short', () => {
    const huge = 'x'.repeat(100_000);
    const { config, problems } = decodeHash(`#v=1&v=2&mode=online&mode=offline&loss=sigmoid:1:5&beta=${huge}`);
    expect(config.method).toBe('online');
    expect(config.lossTypes).toBe('sigmoid,sft:1');
    expect(problems).toEqual([
      '"v" appears 2 times in the link; the first value, "1", was used',
      '"mode" appears 2 times in the link; the first value, "online", was used',
      'Loss types: write each term as name or name:weight (got "sigmoid:1:5"); using sigmoid,sft:1 instead',
      `Beta must be a number (got "${'x'.repeat(40)}..."); using 0.1 instead`,
    ]);
    expect(decodeHash('#v=1&loss=sigmoid:').problems).toEqual([
      'Loss types: weight of sigmoid must be a number >= 0 (got ""); using sigmoid,sft:1 instead',
    ]);
    expect(decodeHash('#v=1&loss=sigmoid:0,sft:0').problems).toEqual([
      'Loss types: every loss weight is 0: nothing would train; using sigmoid,sft:1 instead',
    ]);
  });

  it('opens a lesson: its settings are the base, the link only adds what differs', () => {
    const lesson = findLesson('beta-too-small')!;
    const decoded = decodeHash('#v=1&lesson=beta-too-small&seed=0&steps=40');
    expect(decoded.lesson).toBe('beta-too-small');
    expect(decoded.config).toEqual({ ...lessonConfig(lesson), steps: 40 });
    expect(decoded.problems).toEqual([]);
    expect(encodeHash(decoded.config, [], 'beta-too-small')).toBe('#v=1&lesson=beta-too-small&seed=0&steps=40');
    // Setting a lesson value back to the default must survive the round trip.
    const back = { ...decoded.config, beta: 0.1 };
    expect(decodeHash(encodeHash(back, [], 'beta-too-small')).config.beta).toBe(0.1);
    expect(decodeHash('#v=1&lesson=nope').problems[0]).toMatch(/unknown lesson "nope"/);
  });

  it('every lesson is a configuration that can run', () => {
    for (const lesson of LESSONS) expect(runConfigProblems(lessonConfig(lesson)), lesson.id).toEqual([]);
  });

  it('reads a link from another version as well as it can, and says so', () => {
    const { config, problems } = decodeHash('#v=9&beta=0.2');
    expect(config.beta).toBe(0.2);
    expect(problems[0]).toMatch(/version 9/);
  });

  it('every control has an explanation and a valid default', () => {
    for (const control of CONTROLS) {
      expect(control.help.length).toBeGreaterThan(20);
      expect(controlProblem(control, settingText(control, control.default))).toBeUndefined();
    }
  });

  it('present=1 opens the presentation view, round-trips, and a bad value is named', () => {
    expect(decodeHash('#v=1&present=1').present).toBe(true);
    expect(decodeHash('#v=1').present).toBe(false);
    const bad = decodeHash('#v=1&present=yes');
    expect(bad.present).toBe(false);
    expect(bad.problems).toEqual(['present must be 1 (presentation view) or 0 (got "yes"); the normal view was used']);
    const link = encodeHash(defaultConfig(), [], 'offline-dpo', true);
    expect(link).toContain('present=1');
    expect(decodeHash(link)).toMatchObject({ present: true, lesson: 'offline-dpo', problems: [] });
  });
});
