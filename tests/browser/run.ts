/** Browser tests of the built app (run by `npm run test:browser` after `vite build`). */
import { runAll } from './harness';
import { firstScreenTests } from './first-screen.browser';
import { poisonSalTests } from './poison-sal.browser';

process.exit(await runAll([...firstScreenTests, ...poisonSalTests]));
