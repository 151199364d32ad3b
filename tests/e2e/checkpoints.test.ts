import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useApp } from './use-app';

const app = useApp();

describe('checkpoints in the browser', () => {
  it('downloads the model, refuses a corrupted upload clearly, and keeps a saved checkpoint across a reload', async () => {
    const page = await app.open();
    await page.getByTestId('gallery').getByTestId('caption').nth(5).waitFor({ timeout: 240_000 });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download', exact: true }).click(),
    ]);
    const path = await download.path();
    const file = readFileSync(path);
    expect(file.subarray(0, 8).toString()).toBe('DPOPCKPT');
    expect(file.byteLength).toBeGreaterThan(400_000);

    // Flip bytes in the weights: the upload is refused and the model stays.
    const corrupted = Buffer.from(file);
    for (let i = corrupted.length - 2000; i < corrupted.length - 1000; i++) corrupted[i] = corrupted[i]! ^ 0x5a;
    await page
      .getByTestId('checkpoint-upload')
      .setInputFiles({ name: 'broken.dpock', mimeType: 'application/octet-stream', buffer: corrupted });
    const message = page.getByTestId('checkpoint-message');
    await expect.poll(() => message.textContent(), { timeout: 30_000 }).toMatch(/broken\.dpock" was not loaded.*corrupted/);
    expect(await message.getAttribute('role')).toBe('alert');

    await page.getByTestId('checkpoint-upload').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await expect
      .poll(() => message.textContent(), { timeout: 30_000 })
      .toMatch(/notes\.txt" was not loaded.*not a DPO Playground checkpoint/);

    // The real file loads.
    await page.getByTestId('checkpoint-upload').setInputFiles({ name: 'good.dpock', mimeType: 'application/octet-stream', buffer: file });
    await expect.poll(() => message.textContent(), { timeout: 60_000 }).toMatch(/Loaded good\.dpock/);

    await page.getByLabel('Name', { exact: true }).fill('kept-across-reload');
    await page.getByRole('button', { name: 'Save in browser' }).click();
    await expect.poll(() => message.textContent(), { timeout: 30_000 }).toMatch(/Saved "kept-across-reload"/);
    await page.reload();
    await page.getByText('kept-across-reload').waitFor({ timeout: 120_000 });
    expect(app.errors).toEqual([]);
    await page.close();
  });

  it('the Model size setting swaps in the large shipped model, and a run trains on it', async () => {
    const page = await app.open('?backend=wasm#v=1&steps=2&evaln=8&evalevery=0');
    const summary = page.getByTestId('model-summary');
    await expect.poll(() => summary.textContent(), { timeout: 240_000 }).toMatch(/default: d=64, 2 layers/);
    await page.locator('#control-model').selectOption('large');
    await expect.poll(() => summary.textContent(), { timeout: 120_000 }).toMatch(/large: d=128, 3 layers, 4 heads, 488,640 parameters/);
    // The gallery redraws with the large model's 48 px scenes and its captions.
    const firstImage = page.getByTestId('gallery').locator('canvas').first();
    await expect.poll(() => firstImage.getAttribute('width'), { timeout: 120_000 }).toBe('48');
    await page.getByTestId('gallery').getByTestId('caption').nth(5).waitFor({ timeout: 120_000 });
    await page.getByTestId('train').click();
    await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 300_000 });
    await expect.poll(() => summary.textContent()).toMatch(/large: d=128/);
    // The run trained on it: its evaluations caption 48 px scenes too, and no step was refused.
    expect(await page.getByTestId('gallery').locator('canvas').last().getAttribute('width')).toBe('48');
    expect(await page.getByTestId('diagnostics').textContent()).not.toMatch(/refused|non-finite/);
    expect(app.errors).toEqual([]);
    await page.close();
  });
});
