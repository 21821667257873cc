/** Links and saved runs: a bad link field is named, a finished run survives a reload, Copy link reproduces the settings. */
import { statSync } from 'node:fs';
import { canvasInk, check, type BrowserTest } from './harness';

/** One small experiment: 600 images, 1 epoch, LSP only, light SAL; `lr=-3` is the bad field. */
const LINK = '#n=600,200&e=1&p=lsp&sal=on,0.05,0.1,1,128,64&lr=-3';

export const persistTests: BrowserTest[] = [
  {
    name: 'a bad link field is named; a trained run survives a reload; Copy link reproduces the settings',
    async run(ctx) {
      const page = await ctx.newPage(LINK);
      const notice =
        (await page.getByTestId('share-notices').textContent({ timeout: 10_000 })) ?? '';
      check(/"lr=-3"/.test(notice), `the notice does not name the bad field: "${notice}"`);
      check(!/n=600|e=1/.test(notice), `good fields were reported as dropped: "${notice}"`);
      check(
        (await page.getByTestId('cfg-trainSize').inputValue()) === '600',
        'the good field n=600,200 did not apply',
      );
      await ctx.shot(page, 'persist-link-notice');
      await page.getByRole('button', { name: 'Dismiss the link notices' }).click();

      await page.waitForFunction(
        () =>
          !(document.querySelector('[data-testid="train-button"]') as HTMLButtonElement).disabled,
        null,
        { timeout: 60_000 },
      );
      await page.getByTestId('train-button').click();
      await page.waitForSelector('[data-testid="run-status"][data-state="done"]', {
        timeout: 180_000,
      });
      const inkBefore = await canvasInk(page, '[data-testid="loss-chart"] canvas');
      // Saving is throttled to 0.5 s after a change.
      await page.waitForTimeout(1500);

      await page.reload();
      await page.waitForSelector('[data-testid="saved-experiment"]', { timeout: 20_000 });
      check(
        (await page.getByTestId('share-notices').count()) === 0,
        'the dropped field came back after the reload (the address still held it)',
      );
      check(!page.url().includes('lr=-3'), `the address still holds the bad field: ${page.url()}`);
      const items = await page.getByTestId('saved-experiment').count();
      check(items === 1, `expected 1 saved experiment after the reload, found ${items}`);
      await page.waitForSelector('[data-testid="run-status"][data-state="done"]', {
        timeout: 10_000,
      });
      await page.waitForTimeout(500);
      const ink = await canvasInk(page, '[data-testid="loss-chart"] canvas');
      check(
        ink > 50,
        `the reloaded run's loss chart is blank (ink ${ink}, before reload ${inkBefore})`,
      );
      await ctx.shot(page, 'persist-after-reload');

      // Rename through the keyboard.
      await page.getByRole('button', { name: /^Rename / }).click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type('first lesson run');
      await page.keyboard.press('Enter');
      await page.waitForTimeout(1000);
      await page.reload();
      await page.waitForSelector('[data-testid="saved-experiment"]', { timeout: 20_000 });
      await page.getByTestId('runs-panel').scrollIntoViewIfNeeded();
      await ctx.shot(page, 'persist-runs-panel');
      const name = (await page.getByTestId('saved-experiment').textContent()) ?? '';
      check(name.includes('first lesson run'), `the new name did not survive a reload: "${name}"`);

      // Export with weights, then import the file back: it appears next to the saved one.
      await page.getByLabel('with weights').check();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('session-export').click(),
      ]);
      const file = await download.path();
      check(/\.salscape\.json$/.test(download.suggestedFilename()), download.suggestedFilename());
      const bytes = statSync(file).size;
      console.log(
        `    session file with weights, 600-image cnn-s clean + LSP: ${(bytes / 1024).toFixed(0)} KB`,
      );
      await page.getByTestId('session-import').setInputFiles(file);
      await page.waitForFunction(
        () =>
          /Import/.test(
            document.querySelector('[data-testid="session-message"]')?.textContent ?? '',
          ),
        null,
        { timeout: 10_000 },
      );
      const msg = (await page.getByTestId('session-message').textContent()) ?? '';
      check(/Imported 1 experiment \(2 runs, weights of 2\)/.test(msg), `import said "${msg}"`);
      check((await page.getByTestId('saved-experiment').count()) === 2, 'the import is not listed');

      await page
        .context()
        .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ctx.url });
      await page.getByTestId('copy-link').click();
      await page.waitForFunction(
        () =>
          /copied|Ctrl\+C/.test(
            document.querySelector('[data-testid="copy-link-status"]')?.textContent ?? '',
          ),
        null,
        { timeout: 5_000 },
      );
      const status = (await page.getByTestId('copy-link-status').textContent()) ?? '';
      const link = /copied/.test(status)
        ? await page.evaluate(() => navigator.clipboard.readText())
        : await page.getByTestId('copy-link-text').inputValue();
      const hash = link.slice(link.indexOf('#'));
      check(
        /[#&]n=600,200&/.test(hash) && /&e=1&/.test(hash) && /&p=lsp:/.test(hash),
        `copied link: ${link}`,
      );
      check(/&lr=0\.05&/.test(hash), `the dropped lr should be the default in the link: ${link}`);
      await page.close();

      const other = await ctx.newPage(hash);
      await other.waitForSelector('[data-testid="cfg-trainSize"]');
      check(
        (await other.getByTestId('share-notices').count()) === 0,
        'the copied link raised notices',
      );
      const fields = await Promise.all(
        ['cfg-trainSize', 'cfg-testSize', 'cfg-epochs', 'cfg-lr', 'cfg-seed'].map((id) =>
          other.getByTestId(id).inputValue(),
        ),
      );
      check(
        fields.join(' ') === '600 200 1 0.05 1',
        `the copied link opened with ${fields.join(' ')}`,
      );
      const again = await other.evaluate(() => location.hash);
      check(again === hash, `the reopened page rewrote the hash:\n${hash}\n${again}`);
      await other.close();
    },
  },
];
