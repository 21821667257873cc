/**
 * The pretrained demo: the default link shows the demo experiment (landscape, SAL heatmaps, UD)
 * within a few seconds without training, timed by the app's `salscape:full-view` mark; a
 * landscape with other settings is computed from the adopted demo runs; then
 * "Train live" retrains the same settings here (cancelled once the clean run is done: on WASM its
 * accuracy matches the demo's). Screenshot demo-full-view.png.
 */
import type { Page } from 'playwright-core';
import { check, type BrowserTest } from './harness';

/** "test 93.1 %" of each run line, in order. */
async function testAccs(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="run-line"] .run-acc')
    .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
}

export const demoTests: BrowserTest[] = [
  {
    name: 'the default link shows the pretrained demo at once; Train live retrains it here',
    async run(ctx) {
      const page = await ctx.newPage();
      await page.waitForSelector('[data-testid="demo-banner"]', { timeout: 10_000 });
      await page.waitForFunction(
        () => performance.getEntriesByName('salscape:full-view').length > 0,
        null,
        { timeout: 15_000 },
      );
      const ms = await page.evaluate(
        () => performance.getEntriesByName('salscape:full-view')[0]!.startTime,
      );
      console.log(`    demo full view ${Math.round(ms)} ms after navigation start`);
      check(ms < 10_000, `the demo took ${Math.round(ms)} ms to show its full view`);
      const state = await page.getByTestId('run-status').getAttribute('data-state');
      check(state === 'done', `the demo experiment is "${state}", not done`);
      const lines = await page.getByTestId('run-line').count();
      check(lines === 3, `expected the clean run and 2 default poisons, got ${lines} run lines`);
      check(
        (await page.locator('[data-testid="surface-3d"] canvas').count()) >= 2,
        'expected a clean and a poisoned 3D surface',
      );
      check(
        (await page.locator('[data-testid="sal-heatmap"] canvas').count()) >= 1,
        'no SAL heatmap',
      );
      const ud = await page.getByTestId('ud-value').allTextContents();
      check(ud.length > 0 && ud.every((t) => /\d/.test(t)), `UD cards show "${ud.join(' | ')}"`);
      const banner = (await page.getByTestId('demo-banner').textContent()) ?? '';
      check(/pretrained demo.*CLI on WASM/i.test(banner), `the banner says "${banner}"`);
      check(
        (await page.getByTestId('landscape-job').count()) === 0,
        'a landscape was computed instead of loaded',
      );
      const demoAccs = await testAccs(page);
      await ctx.shot(page, 'demo-full-view');

      // Other landscape settings: the worker computes them from the demo runs it adopted.
      await page.getByTestId('landscape-grid').fill('9');
      await page.getByTestId('landscape-grid').press('Tab');
      await page.waitForSelector('[data-testid="landscape-job"]', { timeout: 10_000 });
      await page.waitForFunction(
        () => {
          const root = document.querySelector('[data-testid="landscape"]');
          return (
            !!root &&
            root.querySelectorAll('[data-testid="landscape-job"]').length === 0 &&
            root.querySelectorAll('[data-testid="surface-3d"]').length >= 2
          );
        },
        null,
        { timeout: 120_000 },
      );
      const text = (await page.getByTestId('landscape').textContent()) ?? '';
      check(
        !/failed|not in this session/.test(text),
        `a 9 x 9 landscape failed: ${text.slice(0, 300)}`,
      );

      // Train live: the same settings in this browser; stop after the clean run's first epoch.
      await page.waitForFunction(
        () => !(document.querySelector('[data-testid="train-live"]') as HTMLButtonElement).disabled,
        null,
        { timeout: 60_000 },
      );
      await page.getByTestId('train-live').click();
      await page.waitForSelector('[data-testid="run-status"][data-state="training"]', {
        timeout: 60_000,
      });
      check(
        (await page.getByTestId('demo-banner').count()) === 0,
        'the live experiment is still marked as a demo',
      );
      // The clean run finishes in seconds on WASM; then stop before the poisoned runs.
      await page.waitForSelector('[data-testid="run-line"][data-state="done"]', {
        timeout: 180_000,
      });
      const liveAcc = (await testAccs(page))[0] ?? '';
      await page.getByTestId('cancel-button').click();
      await page.waitForSelector('[data-testid="run-status"][data-state="cancelled"]', {
        timeout: 60_000,
      });
      await ctx.shot(page, 'demo-train-live-cancelled');
      const backend = (await page.getByTestId('backend-badge').textContent()) ?? '';
      console.log(
        `    clean run live: ${liveAcc} on ${backend.trim()}; pretrained: ${demoAccs[0]}`,
      );
      if (/WASM/.test(backend))
        check(
          liveAcc === demoAccs[0],
          `on WASM the live clean run should match the demo: ${liveAcc} vs ${demoAccs[0]}`,
        );
    },
  },
];
