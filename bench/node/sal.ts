/**
 * `npm run bench:sal`: what SAL costs and what UD says.
 *
 * 1. Timing: seconds for SAL of all weight layers after one epoch (one call of salAllLayers on
 *    a model trained for 2 epochs) with the app's default settings and with the paper's, on the
 *    WASM backend (the CPU path), for cnn-s and vgg-s. Goal for the app default: under 5 s.
 * 2. UD: for each UD model (vgg-s, the model for UD work, and cnn-s), a clean run and one run per
 *    poison method (default budget) on MNIST, each with SAL (app defaults) after every epoch;
 *    UD of each poisoned run against the clean run of the same seed, with beta, #LP and the epochs
 *    and layers it rests on; with several seeds, the mean and range.
 * Writes bench-results/sal.json (--quick: bench-results/sal-quick.json).
 *
 *   npm run bench:sal                    # seeds 1,2,3, all methods, 6 epochs (long; resumable)
 *   npm run bench:sal -- --quick         # seed 1, 5 methods, 4 epochs, paper timing on 512 images
 *   npm run bench:sal -- --models vgg-s --methods em-class,random --seeds 1,2
 *
 * Training: 2,000 MNIST training images, 1,000 test, SGD lr 0.05, momentum 0.9, batch 32, weight
 * decay 5e-4. A method's poisoned set is made once per seed and used by both models. TAP and SEP
 * attack the clean cnn-s run of the same subset. Finished runs are saved at once; a rerun with the
 * same settings skips them (--fresh starts over).
 *
 * The steps live in sal/: plan.ts (flags), runs.ts (the results file), timing.ts and ud.ts (the
 * two parts), tables.ts (the printed tables).
 */
import '../../src/ml/engine/tf-setup';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { selectBackendNode } from '../../src/ml/engine/backend';
import { log, runDriver } from './results-file';
import { planSalBench } from './sal/plan';
import { openSalResults } from './sal/runs';
import { printTimingTable, printUdTable } from './sal/tables';
import { measureTiming } from './sal/timing';
import { measureUd } from './sal/ud';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function main(): Promise<void> {
  const plan = planSalBench(process.argv.slice(2), ROOT);
  if ('usage' in plan) {
    log(plan.usage);
    return;
  }
  const report = await selectBackendNode('wasm');
  if (report.chosen !== 'wasm') log(`note: WASM unavailable, measuring on ${report.chosen}`);
  const { seed: _s, model: _m, ...cfg } = plan.base;
  const settings = { config: cfg, sal: plan.salSettings, backend: report.chosen };
  const results = openSalResults(ROOT, plan.outFile, settings, plan.fresh);
  const t0 = performance.now();
  const [train, test] = await Promise.all([
    loadDatasetNode('mnist', 'train'),
    loadDatasetNode('mnist', 'test'),
  ]);
  if (plan.timing) await measureTiming(plan, train, test, results);
  if (plan.ud) await measureUd(plan, train, test, results);
  printTimingTable(plan, results.timing, report.chosen);
  printUdTable(plan, results.runs);
  log(
    `\n${((performance.now() - t0) / 60000).toFixed(1)} min this session; results in ${path.relative(ROOT, plan.outFile)}`,
  );
}

runDriver('bench:sal', main);
