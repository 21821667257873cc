/**
 * Lessons: open each lesson from the menu, check its link reopens it, follow every step with
 * the Next button and the arrow keys, and save a screenshot per step (lesson-<id>-<n>.png).
 * Lessons whose settings match a shipped demo show results without training.
 */
import type { Page } from 'playwright-core';
import { LESSONS } from '../../src/app/lessons/lessons';
import { check, type BrowserTest } from './harness';

async function stepTitle(page: Page): Promise<string> {
  return (await page.getByTestId('lesson-step-title').textContent()) ?? '';
}

export const lessonTests: BrowserTest[] = [
  {
    name: 'every lesson opens from the menu and from its link, and its steps can be followed',
    async run(ctx) {
      const page = await ctx.newPage();
      for (const lesson of LESSONS) {
        await page.locator('[data-testid="lesson-menu"] summary').click();
        await page.getByTestId(`lesson-${lesson.id}`).click();
        await page.waitForSelector('[data-testid="lesson"]');
        // The lesson is in the link: reopening the address shows the same lesson and step.
        await page.waitForFunction((id) => location.hash.includes(`lesson=${id}`), lesson.id, {
          timeout: 5_000,
        });
        const link = page.url();
        await page.goto('about:blank');
        await page.goto(link);
        await page.waitForSelector('[data-testid="lesson"]', { timeout: 15_000 });
        check(
          (await stepTitle(page)) === lesson.steps[0]!.title,
          `lesson ${lesson.id}: its link opened "${await stepTitle(page)}"`,
        );
        // Results: from a demo where one matches (a few seconds), else the lesson says to train.
        await page
          .waitForSelector(
            '[data-testid="run-status"][data-state="done"], [data-testid="lesson-train-hint"]',
            { timeout: 20_000 },
          )
          .catch(() => undefined);
        for (let k = 0; k < lesson.steps.length; k++) {
          const step = lesson.steps[k]!;
          check(
            (await stepTitle(page)) === step.title,
            `lesson ${lesson.id} step ${k + 1}: shows "${await stepTitle(page)}"`,
          );
          const target = page.locator(`[data-testid="${step.target}"]`).first();
          // The lower panels (cross-task card, charts) mount a frame after the demo's full view.
          await target.waitFor({ state: 'attached', timeout: 5_000 }).catch(() => undefined);
          check(
            (await target.count()) > 0,
            `lesson ${lesson.id} step ${k + 1}: its element ${step.target} is not on screen`,
          );
          const outlined = await page
            .waitForFunction(
              (id) =>
                document
                  .querySelector(`[data-testid="${id}"]`)
                  ?.classList.contains('lesson-target'),
              step.target,
              { timeout: 5_000 },
            )
            .then(() => true)
            .catch(() => false);
          check(outlined, `lesson ${lesson.id} step ${k + 1}: ${step.target} is not outlined`);
          if (step.view)
            check(
              (await page
                .getByTestId(`landscape-tab-${step.view}`)
                .getAttribute('aria-selected')) === 'true',
              `lesson ${lesson.id} step ${k + 1}: the ${step.view} tab is not shown`,
            );
          await page.waitForTimeout(300);
          await ctx.shot(page, `lesson-${lesson.id}-${k + 1}`);
          if (k < lesson.steps.length - 1) {
            // Alternate the two ways of moving on: the button and the arrow key.
            if (k % 2 === 0) await page.getByTestId('lesson-next').click();
            else {
              await page.locator('body').click({ position: { x: 5, y: 5 } });
              await page.keyboard.press('ArrowRight');
            }
          }
        }
        await page.keyboard.press('Escape');
        await page.waitForSelector('[data-testid="lesson"]', { state: 'detached' });
      }
    },
  },
];
