/**
 * Poisons and learnability: train a clean run and two poisoned runs with SAL on, then check
 * the gallery, both SAL heatmaps (WebGL), a UD value or "undefined", and the per-filter
 * drill-down; screenshots poison-sal-*.png.
 */
import { type BrowserTest, canvasInk, check, fill, glInk, waitForBackend } from './harness';

export const poisonSalTests: BrowserTest[] = [
  {
    name: 'two poisons train next to the clean run: gallery, SAL heatmaps, UD and per-filter SAL',
    async run(ctx) {
      const page = await ctx.newPage();
      await waitForBackend(page);
      await fill(page, 'cfg-trainSize', '600');
      await fill(page, 'cfg-testSize', '200');
      await fill(page, 'cfg-epochs', '2');
      await page.getByTestId('cfg-model').selectOption('cnn-s');
      await page.getByTestId('poison-random-class').check();
      await page.getByTestId('poison-lsp').check();
      // A typed budget (LSP at 3x the reference L2 norm, 3 * 28 * 6/255) travels to the worker.
      await fill(page, 'eps-lsp', '1.98');
      await page.getByTestId('sal-on').check();
      await page.locator('.sal-settings summary').click();
      await fill(page, 'sal-rounds', '1');
      await fill(page, 'sal-subsetSize', '128');
      await ctx.shot(page, 'poison-sal-configured');
      // The "running" state of a UD card lasts from the poisoned run's first epoch to its end:
      // a fraction of a second on 600 images, which a polling wait can miss on a loaded
      // machine. A MutationObserver sees every state the card takes.
      await page.evaluate(() => {
        const w = window as unknown as { sawRunning: boolean };
        w.sawRunning = false;
        // Inline, not a named const: tsx would wrap a named function in a helper the page lacks.
        new MutationObserver(() => {
          if (document.querySelector('[data-testid="ud-card"][data-state="running"]'))
            w.sawRunning = true;
        }).observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          attributeFilter: ['data-state'],
        });
      });
      await page.getByTestId('train-button').click();
      await page.waitForSelector('[data-testid="run-line"]', { timeout: 10_000 });
      const lines = await page.getByTestId('run-line').count();
      check(lines === 3, `expected 3 runs (clean + 2 poisons), saw ${lines}`);
      // Live: a UD card says "running" at some point before the end (the poisoned run trains).
      await page.waitForFunction(
        () =>
          (window as unknown as { sawRunning: boolean }).sawRunning ||
          document.querySelector('[data-testid="run-status"][data-state="done"]'),
        null,
        { timeout: 240_000 },
      );
      await ctx.shot(page, 'poison-sal-live');
      await page.waitForSelector(
        ['done', 'failed', 'cancelled']
          .map((st) => `[data-testid="run-status"][data-state="${st}"]`)
          .join(', '),
        { timeout: 300_000 },
      );
      const lineTexts = await page.getByTestId('run-line').allTextContents();
      const states = await page
        .getByTestId('run-line')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
      check(
        states.every((s) => s === 'done'),
        `not every run finished: ${lineTexts.join(' | ')}`,
      );
      const sawRunning = await page.evaluate(
        () => (window as unknown as { sawRunning: boolean }).sawRunning,
      );
      check(sawRunning, 'no UD card said "running" while the poisoned runs trained');
      await page.waitForTimeout(400);

      const strips = await page.locator('[data-testid="poison-gallery"] .strip canvas').count();
      check(strips === 2, `expected 2 gallery strips, saw ${strips}`);
      const galleryInk = await canvasInk(page, '[data-testid="poison-gallery"] canvas');
      check(galleryInk > 2000, `the poison gallery is blank (ink ${galleryInk})`);
      const galleryText = (await page.getByTestId('poison-gallery').textContent()) ?? '';
      check(/L∞ max/.test(galleryText) && /mean L2/.test(galleryText), 'gallery lacks the norms');
      check(/×\d/.test(galleryText), 'gallery does not state the amplification');
      check(/L2 1\.98/.test(galleryText), 'the typed LSP budget is not shown in the gallery');

      const maps = page.getByTestId('sal-heatmap');
      check((await maps.count()) === 2, `expected 2 SAL heatmaps, saw ${await maps.count()}`);
      for (let i = 0; i < 2; i++) {
        const ink = await glInk(maps.nth(i).locator('.heatmap-box'));
        check(ink > 300, `SAL heatmap ${i + 1} is blank (ink ${ink})`);
      }
      const departure = (await page.getByTestId('sal-departure').textContent()) ?? '';
      check(/inference mode/.test(departure), `L0 departure not shown: "${departure}"`);

      const cards = page.getByTestId('ud-card');
      check((await cards.count()) === 2, `expected 2 UD cards, saw ${await cards.count()}`);
      for (let i = 0; i < 2; i++) {
        const v = (await cards.nth(i).getByTestId('ud-value').textContent()) ?? '';
        check(/\d\.\d\d|undefined/.test(v), `UD card ${i + 1} shows "${v}"`);
        const text = (await cards.nth(i).textContent()) ?? '';
        check(/#LP clean/.test(text) && /β/.test(text), `UD card ${i + 1} lacks #LP / beta`);
        check(/3 weight layers/.test(text), `UD card ${i + 1} lacks the cnn-s note`);
        if (i === 0)
          check(
            /UD (<|>|=) 1|undefined/.test(text) && /SAL: eps/.test(text),
            `the compared run's card lacks its explanation or settings: "${text}"`,
          );
      }
      await ctx.shot(page, 'poison-sal-done');

      // Hover a cell of the poisoned heatmap: the tip names the value and the settings.
      const box = maps.nth(1).locator('.heatmap-box');
      const bb = (await box.boundingBox())!;
      await page.mouse.move(bb.x + bb.width * 0.75, bb.y + bb.height * 0.5);
      const tip = (await page.locator('.heatmap-tip').textContent({ timeout: 5_000 })) ?? '';
      check(
        /SAL [\d.]+ \(up/.test(tip) && /1 round/.test(tip) && /epoch 2/.test(tip),
        `tip: ${tip}`,
      );
      await ctx.shot(page, 'poison-sal-hover');

      // Click it: the per-filter grid of that layer and epoch.
      await page.mouse.click(bb.x + bb.width * 0.75, bb.y + bb.height * 0.5);
      await page.waitForSelector('[data-testid="filter-grid"]', { timeout: 10_000 });
      await page.waitForSelector('[data-testid="filter-grid"][data-state="done"]', {
        timeout: 180_000,
      });
      await page.waitForTimeout(300);
      const grid = page.getByTestId('filter-grid');
      const gridInk = await glInk(grid.locator('.heatmap-box'));
      check(gridInk > 100, `the per-filter grid is blank (ink ${gridInk})`);
      await grid.scrollIntoViewIfNeeded();
      const gb = (await grid.locator('.heatmap-box').boundingBox())!;
      await page.mouse.move(gb.x + 5, gb.y + gb.height / 2);
      const ftip = (await page.locator('.heatmap-tip').textContent({ timeout: 5_000 })) ?? '';
      check(/^filter 0: SAL [\d.e-]+ \(up/.test(ftip), `filter tip: ${ftip}`);
      await page.mouse.move(5, 400); // away from the heatmaps: no hover tip in the shot
      await grid.scrollIntoViewIfNeeded();
      await ctx.shot(page, 'poison-sal-filters');
      await page.close();
    },
  },
];
