import { describe, expect, it } from 'vitest';
import { useApp } from './use-app';

const app = useApp();

describe('first page, in headless Chromium with WebGPU', () => {
  it('with no ?backend=, Train works at once on a self-checked backend; the backends are measured while idle, the faster adopted and remembered', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await app.open('', context);
    const badge = page.getByTestId('backend-badge');
    await page.locator('[data-testid=train]:not([disabled])').waitFor({ timeout: 120_000 });
    // Train is enabled before any measurement finished: the badge says the choice rests on the self-check alone.
    expect(await badge.getAttribute('data-basis')).toBe('self-check');
    expect(await badge.getAttribute('data-measuring')).not.toBe('off');
    expect(await page.getByTestId('backend-reason').textContent()).toMatch(/^self-checked; /);
    expect(await badge.getAttribute('data-backend')).toBe('wasm');
    expect(await badge.getAttribute('title')).toMatch(/Self-check: wasm matches the cpu golden values/);

    const captions = page.getByTestId('gallery').getByTestId('caption');
    await captions.nth(5).waitFor({ timeout: 240_000 });
    expect(await captions.count()).toBe(6);
    const texts = await captions.allTextContents();
    // Real captions from the shipped model: mostly "<position> <colour> <shape>" words.
    expect(texts.filter((t) => /(circle|square|triangle|star|heart|cross|diamond)/.test(t)).length).toBeGreaterThan(4);
    await expect(page.getByTestId('model-summary').textContent()).resolves.toMatch(/parameters/);

    // The default run (100 offline DPO steps of 16 pairs, evaluations included), pressed before the
    // measurement finished: it trains on the self-checked backend and accepts every step.
    await page.getByTestId('train').click();
    await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 300_000 });
    expect(await page.getByTestId('diagnostics').textContent()).not.toMatch(/refused|non-finite/);

    // Idle again: both backends are self-checked and probed in a second worker; on SwiftShader
    // WebGPU is far slower than WASM, so WASM stays, and the badge says what was measured.
    await page.locator('[data-testid=backend-badge][data-basis=measured][data-measuring=off]').waitFor({ timeout: 240_000 });
    const reason = (await page.getByTestId('backend-reason').textContent())!;
    expect(reason).toMatch(/^WebGPU [\d.e+-]+ steps\/s( \([^)]+\))?, WASM [\d.e+-]+ steps\/s: using WASM$/);
    const [webgpuRate, wasmRate] = [...reason.matchAll(/([\d.e+-]+) steps\/s/g)].map((m) => Number(m[1]));
    expect(wasmRate).toBeGreaterThan(webgpuRate!);
    expect(await badge.getAttribute('data-backend')).toBe('wasm');
    expect(await badge.textContent()).toMatch(/WASM.*\d+ threads?/);
    const title = await badge.getAttribute('title');
    expect(title).toMatch(/Self-check: webgpu matches the cpu golden values/);
    expect(title).toMatch(/Self-check: wasm matches the cpu golden values/);
    await page.close();

    // The next visit starts on the remembered choice and measures nothing.
    const again = await app.open('', context);
    await again.locator('[data-testid=train]:not([disabled])').waitFor({ timeout: 120_000 });
    const badgeAgain = again.getByTestId('backend-badge');
    expect(await badgeAgain.getAttribute('data-basis')).toBe('remembered');
    expect(await again.getByTestId('backend-reason').textContent()).toMatch(/: using WASM \(measured \d{4}-\d\d-\d\d\)$/);
    await again.waitForTimeout(2500);
    expect(await badgeAgain.getAttribute('data-measuring')).toBe('off');
    expect(app.errors).toEqual([]);
    await context.close();
  });

  it('a forced WebGPU backend is self-checked and the badge admits the software adapter', async () => {
    const page = await app.openOnWebgpu();
    const badge = page.getByTestId('backend-badge');
    expect(await badge.textContent()).toContain('WebGPU');
    expect((await badge.textContent())!.toLowerCase()).toMatch(/swiftshader|software|google/);
    expect(await page.getByTestId('backend-reason').textContent()).toMatch(/forced .*self-check passed/);
    await page.close();
  });

  it('the scene editor asks the model about a hand-made scene', async () => {
    const page = await app.open();
    const editor = page.getByTestId('scene-editor');
    // The default scene is a lone red triangle in the centre; add a blue heart top-left.
    await editor.getByLabel('shape at top-left').selectOption('heart');
    await editor.getByLabel('colour at top-left').selectOption('blue');
    await editor.getByRole('button', { name: 'Ask the models' }).click({ timeout: 240_000 });
    const rows = editor.locator('table tbody tr');
    await rows.nth(6).waitFor({ timeout: 240_000 });
    expect(await rows.count()).toBe(7);
    const truth = Object.fromEntries(
      await rows.evaluateAll((trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.children[1]!.textContent])),
    );
    expect(truth).toMatchObject({ heart: 'yes', triangle: 'yes', star: 'no', circle: 'no' });
    expect(await editor.getByTestId('caption').first().textContent()).toMatch(/triangle|heart/);
    // Two triangles are refused with a message.
    await editor.getByLabel('shape at bottom-right').selectOption('triangle');
    expect(await editor.getByRole('alert').textContent()).toContain('each shape may appear once');
    await editor.getByLabel('shape at bottom-right').selectOption({ label: '(empty)' });
    // A sign: bad text is refused with the reason; a sign over a shape too.
    await editor.getByTestId('sign-on').check();
    await editor.getByLabel('sign row').selectOption('top');
    expect(await editor.getByRole('alert').textContent()).toContain('the sign covers the top row');
    await editor.getByLabel('sign row').selectOption('bottom');
    await editor.getByTestId('sign-text').fill('say h3art');
    expect(await editor.getByRole('alert').textContent()).toContain('letters a to z');
    await editor.getByTestId('sign-text').fill('say star');
    expect(await editor.getByRole('alert').allTextContents()).toEqual([]);
    await editor.getByRole('button', { name: 'Ask the models' }).click();
    await editor.locator('[aria-label$=\'a sign reads "say star")\']').waitFor({ timeout: 120_000 });
    const starRow = editor.locator('table tbody tr', { hasText: 'star' });
    expect(await starRow.locator('td').nth(1).textContent()).toBe('no');
    await page.close();
  });

  it('says clearly when the address asks for an unknown backend, and still starts', async () => {
    const page = await app.open('?backend=quantum');
    await page.getByRole('alert').first().waitFor({ timeout: 60_000 });
    expect(await page.getByRole('alert').first().textContent()).toMatch(/Unknown backend "quantum"/);
    await page.locator('[data-testid=backend-badge]:not([data-backend=""])').waitFor({ timeout: 120_000 });
    await page.close();
  });
});
