/** A defended experiment: JPEG re-encoding through the browser's own encoder, in the worker. */
import { check, type BrowserTest } from './harness';

export const defenceTests: BrowserTest[] = [
  {
    name: 'JPEG defence (browser encoder) applies to every run of an experiment',
    async run(ctx) {
      const page = await ctx.newPage();
      await page.waitForFunction(
        () =>
          /WASM|WEBGL|WEBGPU|CPU/.test(
            document.querySelector('[data-testid="backend-badge"]')?.textContent ?? '',
          ),
        null,
        { timeout: 60_000 },
      );
      await page.getByTestId('cfg-trainSize').fill('300');
      await page.getByTestId('cfg-testSize').fill('100');
      await page.getByTestId('cfg-epochs').fill('1');
      await page.getByTestId('poison-random-class').uncheck();
      await page.getByTestId('poison-lsp').check();
      await page.getByTestId('sal-on').uncheck();
      await page.getByTestId('defence').selectOption('jpeg');
      await page.getByTestId('train-button').click();
      await page.waitForSelector(
        ['done', 'failed', 'cancelled']
          .map((s) => `[data-testid="run-status"][data-state="${s}"]`)
          .join(', '),
        { timeout: 180_000 },
      );
      const lines = await page.getByTestId('run-line').allTextContents();
      const states = await page
        .getByTestId('run-line')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
      check(
        states.length === 2 && states.every((s) => s === 'done'),
        `runs did not all finish: ${lines.join(' | ')}`,
      );
      const status = (await page.getByTestId('run-status').textContent()) ?? '';
      check(/defence: JPEG/i.test(status), `the status does not name the defence: "${status}"`);
      await ctx.shot(page, 'defence-jpeg-done');
      await page.close();
    },
  },
];
