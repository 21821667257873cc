/** Browser tests of the built app (run by `npm run test:browser` after `vite build`). */
import { runAll } from './harness';
import { firstScreenTests } from './first-screen.browser';
import { poisonSalTests } from './poison-sal.browser';
import { defenceTests } from './defence.browser';

process.exit(await runAll([...firstScreenTests, ...poisonSalTests, ...defenceTests]));
