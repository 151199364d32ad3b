import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ControlPanel from '../../src/ui/controls/ControlPanel.svelte';
import MarkedCaption from '../../src/ui/MarkedCaption.svelte';
import { markCaption } from '../../src/core/eval/annotate';
import { configState } from '../../src/ui/state/config.svelte';
import type { Scene } from '../../src/core/world/scene';

function change(input: HTMLInputElement | HTMLSelectElement, value: string) {
  input.value = value;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  flushSync();
}

describe('the settings panel', () => {
  let panel: ReturnType<typeof mount>;
  beforeEach(() => {
    localStorage.clear();
    history.replaceState(null, '', '/#v=1&seed=4&beta=0.3');
    configState.load(location.hash);
    panel = mount(ControlPanel, { target: document.body });
    flushSync();
  });
  afterEach(() => unmount(panel));

  it('shows the link values, explains each field, and writes valid edits to the address', () => {
    const beta = document.querySelector<HTMLInputElement>('#control-beta')!;
    expect(beta.value).toBe('0.3');
    const help = document.getElementById(beta.getAttribute('aria-describedby')!.split(' ')[0]!)!;
    expect(help.textContent).toMatch(/tied to the reference/);
    expect(document.querySelector('label[for=control-beta]')!.textContent).toBe('Beta');

    change(beta, '0.05');
    expect(configState.values.beta).toBe(0.05);
    expect(location.hash).toBe('#v=1&seed=4&beta=0.05');
  });

  it('puts a message next to a bad value, keeps the last good value, and clears it once fixed', () => {
    const lr = document.querySelector<HTMLInputElement>('#control-lr')!;
    change(lr, '-1');
    const problem = document.querySelector('[data-testid=problem-lr]')!;
    expect(problem.textContent).toBe('Learning rate must be greater than 0 (got -1)');
    expect(lr.getAttribute('aria-invalid')).toBe('true');
    expect(lr.getAttribute('aria-describedby')).toContain('control-lr-problem');
    expect(configState.values.learningRate).toBe(2e-4);
    expect(configState.valid).toBe(false);
    expect(location.hash).not.toContain('lr=');

    change(lr, '0.001');
    expect(document.querySelector('[data-testid=problem-lr]')).toBeNull();
    expect(configState.valid).toBe(true);
  });

  it('lists problems that span fields (a human judge needs online DPO)', () => {
    change(document.querySelector<HTMLSelectElement>('#control-judge')!, 'human');
    expect(document.querySelector('[data-testid=config-problems]')!.textContent).toMatch(/human judge ranks online samples/);
    change(document.querySelector<HTMLSelectElement>('#control-mode')!, 'online');
    change(document.querySelector<HTMLInputElement>('#control-batch')!, '4');
    expect(document.querySelector('[data-testid=config-problems]')).toBeNull();
  });

  it('hides the controls an instructor hid', async () => {
    await unmount(panel);
    configState.load('#v=1&seed=0&hide=beta,lr');
    panel = mount(ControlPanel, { target: document.body });
    flushSync();
    expect(document.querySelector('#control-beta')).toBeNull();
    expect(document.querySelector('#control-lr')).toBeNull();
    expect(document.querySelector('#control-steps')).not.toBeNull();
  });
});

describe('a marked caption', () => {
  it('strikes through the hallucinated object and lists the missed one', async () => {
    const scene: Scene = {
      noiseSeed: 1,
      objects: [
        { shape: 'triangle', colour: 'red', cell: 0, scale: 0.8, dx: 0, dy: 0 },
        { shape: 'circle', colour: 'blue', cell: 8, scale: 0.8, dx: 0, dy: 0 },
      ],
    };
    const target = document.createElement('div');
    const caption = mount(MarkedCaption, {
      target,
      props: { caption: markCaption('top-left red triangle and center green star .', scene) },
    });
    flushSync();
    const marked = [...target.querySelectorAll('span.hallucinated')].map((s) => s.textContent);
    expect(marked).toEqual(['center', 'green', 'star']);
    expect([...target.querySelectorAll('span.correct')].map((s) => s.textContent)).toEqual(['top-left', 'red', 'triangle']);
    expect(target.querySelector('[data-testid=missed]')!.textContent).toBe('missed: circle');
    // Laid out as the detokenizer writes it: one space between words, the full stop against the last.
    expect(target.querySelector('[data-testid=caption]')!.textContent.trim()).toBe('top-left red triangle and center green star.');
    await unmount(caption);
  });
});
