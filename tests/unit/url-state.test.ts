import { describe, expect, it } from 'vitest';
import { CONTROLS, controlProblem, defaultConfig } from '../../src/ui/state/controls';
import { decodeHash, encodeHash } from '../../src/ui/state/url-hash';

describe('configuration in the URL hash', () => {
  it('writes only the version, the seed and non-default values', () => {
    expect(encodeHash(defaultConfig())).toBe('#v=1&seed=0');
    expect(encodeHash({ ...defaultConfig(), beta: 0.05, mode: 'online', seed: 7 })).toBe('#v=1&seed=7&mode=online&beta=0.05');
  });

  it('round-trips every control and the hidden list', () => {
    const config = { ...defaultConfig(), cooc: 0.5, mode: 'mixed', loss: 'ipo,sft:0.5', beta: 0.3, lr: 1e-3, steps: 42, temp: 1.2, topk: 5, k: 8 };
    const decoded = decodeHash(encodeHash(config, ['beta', 'lr']));
    expect(decoded.config).toEqual(config);
    expect(decoded.hidden).toEqual(['beta', 'lr']);
    expect(decoded.problems).toEqual([]);
  });

  it('an empty hash is the defaults, silently', () => {
    expect(decodeHash('')).toEqual({ config: defaultConfig(), hidden: [], problems: [] });
  });

  it('a tampered link keeps its good parts and says what it dropped', () => {
    const { config, problems } = decodeHash('#v=1&seed=3&beta=-2&mode=sideways&lr=abc&k=1&loss=dpo&steps=10&colour=blue&hide=beta,bogus');
    expect(config.seed).toBe(3);
    expect(config.steps).toBe(10);
    expect(config.beta).toBe(0.1);
    expect(config.mode).toBe('offline');
    expect(problems).toEqual([
      'Beta must be greater than 0 (got -2); using the default 0.1',
      'Mode must be one of offline, online, mixed (got "sideways"); using the default offline',
      'Learning rate must be a number (got "abc"); using the default 0.0002',
      'Samples K must be at least 2 (got 1); using the default 4',
      'Loss types: unknown loss type "dpo" (known: sigmoid, hinge, ipo, robust, bco_pair, nca_pair, sppo_hard, apo_zero, apo_down, sigmoid_norm, sft); using the default sigmoid,sft:1',
      'unknown setting "colour" in the link was ignored',
      'cannot hide unknown control "bogus"',
    ]);
  });

  it('reads a link from another version as well as it can, and says so', () => {
    const { config, problems } = decodeHash('#v=9&beta=0.2');
    expect(config.beta).toBe(0.2);
    expect(problems[0]).toMatch(/version 9/);
  });

  it('every control has an explanation and a valid default', () => {
    for (const control of CONTROLS) {
      expect(control.help.length).toBeGreaterThan(20);
      expect(controlProblem(control, String(control.default))).toBeUndefined();
    }
  });
});
