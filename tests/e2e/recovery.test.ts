import { describe, expect, it } from 'vitest';
import { useApp } from './use-app';

const app = useApp();

describe('crash recovery', () => {
  it('a crashed worker is reported, and the run resumes from its last evaluation to the end', async () => {
    // Every step logged (12 steps), an eval (and recovery checkpoint) every 2 steps.
    const page = await app.openOnWebgpu('#v=1&seed=0&npairs=8&batch=2&steps=12&evaln=4&evalevery=2');
    await page.getByTestId('train').click();
    // Baseline (3 series x 1 point) + the step-2 eval: 6 points on the hallucination panel.
    await page.locator('[data-testid=chart-hallucination][data-points="6"]').waitFor({ timeout: 300_000 });
    // Pause first, so the crash lands mid-run however fast the backend is (a run that had already
    // finished would leave nothing to recover).
    await page.getByTestId('train').click();
    await page.locator('[data-testid=run-status]', { hasText: 'paused' }).waitFor({ timeout: 60_000 });
    await page.evaluate(() =>
      (
        window as unknown as { dpoPlayground: { trainer: { api: { simulateCrash(): Promise<void> } } } }
      ).dpoPlayground.trainer.api.simulateCrash(),
    );

    const banner = page.getByTestId('crash');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.textContent()).toMatch(/the training worker crashed/);
    expect(await page.locator('[data-testid=runs-table] tr[data-status=failed]').count()).toBe(1);

    await banner.getByRole('button', { name: /Resume/ }).click();
    await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 500_000 });
    expect(await page.getByTestId('crash').count()).toBe(0);
    // Steps 1..12 each exactly once: what ran after the checkpoint before the crash was rewound.
    expect(await page.getByTestId('chart-loss').getAttribute('data-points')).toBe('12');
    // Evals at 0, 2, ..., 12.
    expect(await page.getByTestId('chart-hallucination').getAttribute('data-points')).toBe('21');
    expect(await page.locator('[data-testid=backend-badge]').getAttribute('data-backend')).toBe('webgpu');
  });
});
