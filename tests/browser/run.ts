/**
 * Browser tests of the built app (run by `npm run test:browser` after `vite build`).
 * `tsx tests/browser/run.ts landscape persist` runs only the tests whose name or group matches.
 */
import { runAll, type BrowserTest } from './harness';
import { firstScreenTests } from './first-screen.browser';
import { poisonSalTests } from './poison-sal.browser';
import { defenceTests } from './defence.browser';
import { landscapeTests } from './landscape.browser';
import { lessonTests } from './lessons.browser';
import { persistTests } from './persist.browser';
import { demoTests } from './demo.browser';

const groups: Record<string, BrowserTest[]> = {
  'first-screen': firstScreenTests,
  'poison-sal': poisonSalTests,
  defence: defenceTests,
  landscape: landscapeTests,
  lessons: lessonTests,
  persist: persistTests,
  demo: demoTests,
};
const filters = process.argv.slice(2);
const chosen = Object.entries(groups).flatMap(([group, tests]) =>
  tests.filter(
    (t) => filters.length === 0 || filters.some((f) => group.includes(f) || t.name.includes(f)),
  ),
);
process.exit(await runAll(chosen));
