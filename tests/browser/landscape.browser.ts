/**
 * Landscapes: train a clean and a poisoned run, let the clean and poisoned surfaces compute,
 * and walk through 3D / contours / difference / 1D interpolation / training-path plane,
 * checking each view draws something; screenshots landscape-*.png.
 */
import type { Page } from 'playwright-core';
import { type BrowserTest, canvasInk, check, fill, glInk, waitForBackend } from './harness';

/** Waits until no landscape job line is left (all finished) and none failed. */
async function landscapesDone(page: Page, timeout = 240_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const root = document.querySelector('[data-testid="landscape"]');
      return (
        !!root &&
        root.querySelectorAll('[data-testid="landscape-job"]').length === 0 &&
        !root.textContent?.includes('measuring')
      );
    },
    null,
    { timeout },
  );
  const text = (await page.getByTestId('landscape').textContent()) ?? '';
  check(!/failed/.test(text), `a landscape job failed: ${text.slice(0, 400)}`);
}

export const landscapeTests: BrowserTest[] = [
  {
    name: 'clean and poisoned loss landscapes: 3D, contours, difference, 1D, training path',
    async run(ctx) {
      const page = await ctx.newPage();
      await waitForBackend(page);
      await fill(page, 'cfg-trainSize', '600');
      await fill(page, 'cfg-testSize', '200');
      await fill(page, 'cfg-epochs', '3');
      await page.getByTestId('cfg-model').selectOption('cnn-s');
      for (const id of await page
        .locator('[data-testid^="poison-"]:checked')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? '')))
        await page.getByTestId(id).uncheck();
      await page.getByTestId('poison-em-class').check();
      await page.getByTestId('sal-on').uncheck();
      await fill(page, 'landscape-grid', '15');
      await page.getByTestId('train-button').click();
      await page.waitForSelector('[data-testid="surface-3d"]', { timeout: 300_000 });
      await ctx.shot(page, 'landscape-surface-sharpening');
      await landscapesDone(page);
      const surfaces = page.getByTestId('surface-3d');
      check((await surfaces.count()) === 2, 'expected a clean and a poisoned 3D surface');
      for (let k = 0; k < 2; k++) {
        const ink = await glInk(surfaces.nth(k));
        check(ink > 2000, `3D surface ${k} looks blank (${ink} drawn pixels)`);
      }
      const caption = (await page.getByTestId('surface-clean').textContent()) ?? '';
      check(/model: loss \d/.test(caption), `the clean surface names its model's loss: ${caption}`);
      // Keyboard: arrow keys turn the 3D view, which changes the picture.
      const before = await surfaces.first().locator('canvas').screenshot();
      await surfaces.first().focus();
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      const after = await surfaces.first().locator('canvas').screenshot();
      check(!before.equals(after), 'arrow keys did not turn the 3D view');
      await ctx.shot(page, 'landscape-surface');

      await page.getByTestId('landscape-tab-contour').click();
      await page.waitForSelector('[data-testid="surface-contour"] canvas');
      const contourInk = await canvasInk(page, '[data-testid="surface-contour"] canvas');
      check(contourInk > 2000, `contour view looks blank (${contourInk})`);
      await ctx.shot(page, 'landscape-contour');

      await page.getByTestId('landscape-tab-difference').click();
      await page.waitForSelector('[data-testid="difference-contour"] canvas');
      const diffInk = await canvasInk(page, '[data-testid="difference-contour"] canvas');
      check(diffInk > 2000, `difference view looks blank (${diffInk})`);
      await ctx.shot(page, 'landscape-difference');

      await page.getByTestId('landscape-tab-interpolation').click();
      await landscapesDone(page);
      await page.waitForSelector('[data-testid="interpolation"] canvas');
      const interpInk = await canvasInk(page, '[data-testid="interpolation"] canvas');
      check(interpInk > 500, `interpolation chart looks blank (${interpInk})`);
      await ctx.shot(page, 'landscape-interpolation');

      await page.getByTestId('landscape-tab-path').click();
      await landscapesDone(page);
      await page.waitForSelector('[data-testid="path-contour"] canvas');
      const pathInk = await canvasInk(page, '[data-testid="path-contour"] canvas');
      check(pathInk > 2000, `path view looks blank (${pathInk})`);
      const pathText = (await page.getByTestId('path-clean').textContent()) ?? '';
      check(/axes explain [\d.]+ %/.test(pathText), `path view reports variance: ${pathText}`);
      await ctx.shot(page, 'landscape-path');

      // Log scale re-draws the same surfaces.
      await page.getByTestId('landscape-tab-surface').click();
      await page.getByTestId('landscape-log').check();
      await page.waitForSelector('[data-testid="surface-3d"]');
      await ctx.shot(page, 'landscape-surface-log');
    },
  },
];
