/**
 * `npm run bench:poisons`: does each poison bite? Trains cnn-s and vgg-s on MNIST and
 * Fashion-MNIST subsets poisoned by every method, at its default budget and (L-inf methods) at
 * the CIFAR convention 8/255, and prints clean test accuracy next to the clean baseline.
 * Writes bench-results/poisons.json (--quick: bench-results/poisons-quick.json).
 *
 *   npm run bench:poisons                       # everything (hours on 2 cores; resumable)
 *   npm run bench:poisons -- --quick            # MNIST, 6 methods, 3 epochs
 *   npm run bench:poisons -- --datasets fashion --models vgg-s --methods em,em-class
 *   npm run bench:poisons -- --methods em,lsp --eps em=0.1:0.3,lsp=5.93   # budgets to try
 *   npm run bench:poisons -- --quick --defences jpeg,cutout   # defences to measure (none: skip)
 *
 * Settings (issue 4): 2,000 training images, 1,000 test, SGD lr 0.05, momentum 0.9, batch 32,
 * weight decay 5e-4, 6 epochs, seed 1, WASM backend. The poisoned set of a method is made once
 * per data set and budget and trained on by every model. EM / REM train their own cnn-s
 * surrogate (the method's default); TAP and SEP attack the clean cnn-s run of the same subset
 * (SEP: its epoch checkpoints), for both models.
 *
 * Defences (issue 4): the clean set and the EM (em-class) and LSP sets at their default budgets
 * are trained on again under each defence (applied to every run alike, as in the app); the
 * defended rows print in a second table with the change from the undefended run. --quick runs
 * jpeg, bitdepth, blur, cutout and mixup; the full run adds PGD adversarial training (costly).
 * grayscale is left out by default: the data sets are grey, so it changes nothing.
 *
 * Resumable: every finished (data set, poison, budget, model) cell is saved at once; a rerun with
 * the same settings skips saved cells (--fresh starts over). Rows print as they finish.
 *
 * The steps live in poisons/: plan.ts (flags), cells.ts (the results file), measure.ts (the
 * training runs), tables.ts (the printed tables).
 */
import '../../src/ml/engine/tf-setup';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describeDefence, defaultDefence } from '../../src/core/defence-types';
import { selectBackendNode } from '../../src/ml/engine/backend';
import { openCells } from './poisons/cells';
import { measureDataset } from './poisons/measure';
import { planPoisonBench } from './poisons/plan';
import { printTables } from './poisons/tables';
import { log, runDriver } from './results-file';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function main(): Promise<void> {
  const plan = planPoisonBench(process.argv.slice(2), ROOT);
  if ('usage' in plan) {
    log(plan.usage);
    return;
  }
  const { datasets, models, base, defenceIds, defendedMethods, outFile } = plan;
  const report = await selectBackendNode('wasm');
  const { dataset: _d, model: _m, ...settingsCore } = base;
  // Saved cells of a run with the same settings are reused (resume).
  const cells = openCells(ROOT, outFile, { ...settingsCore, backend: report.chosen }, plan.fresh);

  log(
    `bench:poisons on ${report.chosen}: ${datasets.join(', ')}; models ${models.join(', ')}; ` +
      `${base.trainSize} train / ${base.testSize} test images, ${base.epochs} epochs, lr ${base.lr}, ` +
      `momentum ${base.momentum}, batch ${base.batchSize}, weight decay ${base.weightDecay}, seed ${base.seed}`,
  );
  log(
    defenceIds.length > 0
      ? `defences: ${defenceIds.map((d) => describeDefence(defaultDefence(d))).join('; ')} on clean${defendedMethods.map((m) => `, ${m}`).join('')} (default budgets)`
      : 'defences: none (--defences none)',
  );
  const t0 = performance.now();
  for (const dataset of datasets) await measureDataset(dataset, plan, cells);
  printTables(plan, cells, report.chosen);
  log(
    `\n${((performance.now() - t0) / 60000).toFixed(1)} min this session; results in ${path.relative(ROOT, outFile)}`,
  );
}

runDriver('bench:poisons', main);
