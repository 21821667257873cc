/** The first screen: configure, train one epoch, watch the charts, the samples and the badge. */
import type { Page } from 'playwright-core';
import { type BrowserTest, canvasInk, check, waitForBackend } from './harness';

async function setField(page: Page, id: string, value: string): Promise<void> {
  const el = page.getByTestId(id);
  const tag = await el.evaluate((e) => e.tagName);
  if (tag === 'SELECT') await el.selectOption(value);
  else await el.fill(value);
}

export const firstScreenTests: BrowserTest[] = [
  {
    name: 'trains one epoch on a small subset; charts, samples and backend badge update',
    async run(ctx) {
      const page = await ctx.newPage();
      const badge = page.getByTestId('backend-badge');
      await waitForBackend(page);
      const backend = (await badge.textContent())?.trim() ?? '';
      await setField(page, 'cfg-trainSize', '600');
      await setField(page, 'cfg-testSize', '200');
      await setField(page, 'cfg-epochs', '1');
      await page.getByTestId('train-button').click();
      await page.waitForSelector(
        '[data-testid="run-status"][data-state="training"], [data-testid="run-status"][data-state="done"]',
        { timeout: 60_000 },
      );
      await page.waitForSelector('[data-testid="run-status"][data-state="done"]', {
        timeout: 120_000,
      });
      await page.waitForTimeout(300);
      const lossInk = await canvasInk(page, '[data-testid="loss-chart"] canvas');
      const accInk = await canvasInk(page, '[data-testid="acc-chart"] canvas');
      // The default experiment has a poisoned run: its gallery shows the training images.
      const sampleInk = await canvasInk(
        page,
        '[data-testid="poison-gallery"] canvas, [data-testid="sample-grid"] canvas',
      );
      await ctx.shot(page, 'first-screen-trained');
      // (The page opens on the pretrained demo, so "before" ink would be the demo's curves.)
      check(lossInk > 200, `loss chart did not draw the run (ink ${lossInk})`);
      check(accInk > 50, `accuracy chart is blank (ink ${accInk})`);
      check(sampleInk > 500, `sample grid is blank (ink ${sampleInk})`);
      const counter = (await page.getByTestId('epoch-counter').textContent()) ?? '';
      check(/1\s*\/\s*1/.test(counter), `epoch counter says "${counter}"`);
      check(/WEBGPU|WEBGL|WASM|CPU/.test(backend), `backend badge says "${backend}"`);
      await badge.click(); // the backend details live in the badge's popover
      const notes =
        (await page
          .getByRole('region', { name: 'Compute backend' })
          .getByTestId('backend-notes')
          .textContent()) ?? '';
      for (const b of ['WEBGPU', 'WEBGL', 'WASM', 'CPU'])
        check(notes.includes(b), `backend notes do not mention ${b}: "${notes}"`);
      check(
        /in use/.test(notes) && /skipped|not available|failed/.test(notes),
        `backend notes do not say what runs and why others do not: "${notes}"`,
      );
      await page.close();
    },
  },
  {
    name: 'a long run can be cancelled and says so',
    async run(ctx) {
      const page = await ctx.newPage();
      await setField(page, 'cfg-trainSize', '12000');
      await setField(page, 'cfg-epochs', '20');
      await page.getByTestId('train-button').click();
      await page.waitForSelector('[data-testid="run-status"][data-state="training"]', {
        timeout: 90_000,
      });
      await page.getByTestId('cancel-button').click();
      await page.waitForSelector('[data-testid="run-status"][data-state="cancelled"]', {
        timeout: 30_000,
      });
      const text = (await page.getByTestId('run-status').textContent()) ?? '';
      check(/cancel/i.test(text), `status text after cancel: "${text}"`);
      await ctx.shot(page, 'first-screen-cancelled');
      await page.close();
    },
  },
];
