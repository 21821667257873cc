/**
 * bench:poisons, step 4: the tables. One row per (data set, poison, budget) with each model's
 * clean test accuracy and its change from the clean run; then the defended rows with the
 * change from the same training set undefended.
 */
import { markdownTable } from '../../../src/cli/table';
import { defaultDefence, describeDefence } from '../../../src/core/defence-types';
import { POISON_METHOD_IDS, POISON_METHODS } from '../../../src/core/poison-types';
import { log } from '../results-file';
import { BREAKDOWN_RULE } from '../../../src/core/breakdown';
import { breakdownMark, type Cell, type Cells, type ModelResult } from './cells';
import { f3 } from './measure';
import type { PoisonPlan } from './plan';

/** `a (+d)`: accuracy and its change from `base`, rounded to whole points. */
function withChange(a: number, base: number): string {
  const d = Math.round((a - base) * 100) / 100;
  return `${f3(a)} (${d > 0 ? '+' : d < 0 ? '-' : '\u00b1'}${Math.abs(d).toFixed(2)})`;
}

/** A model's table entry: accuracy, the change from `base` when given, the breakdown mark. */
function entry(r: ModelResult | undefined, base: number | undefined, change: boolean): string {
  if (!r) return '-';
  const a = change && base !== undefined ? withChange(r.testAcc, base) : f3(r.testAcc);
  return `${a}${breakdownMark(r)}`;
}

/** The footnote of the marks, printed under each table that has one. */
function footnote(results: (ModelResult | undefined)[]): void {
  const marks = new Set(results.map(breakdownMark));
  if (marks.has('\u2020'))
    log(
      `\u2020 did not train (${BREAKDOWN_RULE}): a breakdown of training, not a poison or a defence at work.`,
    );
  if (marks.has('?'))
    log('? saved before the breakdown detector: not judged (rerun with --fresh to judge it).');
}

/** The undefended table and the min-min stops. */
function printPoisonTable(plan: PoisonPlan, cells: Cells, backend: string): void {
  const { datasets, methods, models, base } = plan;
  // A saved default-budget cell from before a default changed is not the default any more.
  const shown = (c: Cell) =>
    c.defence === undefined &&
    datasets.includes(c.dataset) &&
    (c.method === 'clean' ||
      (methods.includes(c.method) &&
        !(c.budget === 'default' && c.eps !== POISON_METHODS[c.method].defaultEps[c.dataset])));
  const order = (c: Cell) =>
    datasets.indexOf(c.dataset) * 1000 +
    (c.method === 'clean' ? -1 : POISON_METHOD_IDS.indexOf(c.method)) * 10 +
    (c.budget === 'default' ? 0 : 1);
  const table = cells.all.filter(shown).sort((a, b) => order(a) - order(b));
  const rows: string[][] = [];
  for (const dataset of datasets) {
    const clean = cells.find(dataset, 'clean', '-', null);
    for (const c of table.filter((x) => x.dataset === dataset)) {
      const eps =
        c.eps === null
          ? '-'
          : `${c.budget === 'default' ? c.eps.toFixed(4).replace(/\.?0+$/, '') : c.budget} ${c.norm}${c.budget === 'default' ? ' (default)' : ''}`;
      const measured =
        c.method === 'clean' ? '-' : `${c.linfMax.toFixed(3)} / ${c.l2Mean.toFixed(2)}`;
      rows.push([
        dataset,
        c.method === 'clean'
          ? 'clean'
          : `${c.method}${POISON_METHODS[c.method].reduced ? ' (reduced)' : ''}`,
        eps,
        measured,
        c.method === 'clean' ? '-' : c.genSeconds.toFixed(0),
        ...models.map((m) => entry(c.models[m], clean?.models[m]?.testAcc, c.method !== 'clean')),
      ]);
    }
  }
  log(
    `\nClean test accuracy after training on the poisoned training set (${base.trainSize} train / ${base.testSize} test images, ` +
      `${base.epochs} epochs, seed ${base.seed}, ${backend}); in brackets the change from the clean run. ` +
      `Measured norms after quantisation: largest L-inf / mean L2 per image. ` +
      `TAP / SEP attack the clean cnn-s run; EM / REM train their own cnn-s surrogate.`,
  );
  log(markdownTable(['data', 'poison', 'eps', 'L-inf / L2', 'gen s', ...models], rows, [4]));
  footnote(table.flatMap((c) => models.map((m) => c.models[m])));
  const stops = table.filter((c) => c.stop);
  if (stops.length > 0) {
    log(
      '\nMin-min stops: ' +
        stops.map((c) => `${c.dataset} ${c.method} ${c.budget}: ${c.stop}`).join('; '),
    );
  }
}

/** Defended rows: accuracy per model with the change from the undefended run of the same set. */
function printDefenceTable(plan: PoisonPlan, cells: Cells): void {
  const { datasets, models } = plan;
  const drows: string[][] = [];
  const shown: (ModelResult | undefined)[] = [];
  for (const dataset of datasets)
    for (const defenceId of plan.defenceIds)
      for (const method of ['clean', ...plan.defendedMethods] as const) {
        const eps = method === 'clean' ? null : POISON_METHODS[method].defaultEps[dataset];
        const budget = method === 'clean' ? '-' : 'default';
        const c = cells.find(dataset, method, budget, eps, defenceId);
        if (!c) continue;
        const plain = cells.find(dataset, method, budget, eps);
        shown.push(...models.map((m) => c.models[m]));
        drows.push([
          dataset,
          describeDefence(defaultDefence(defenceId)),
          method,
          ...models.map((m) => entry(c.models[m], plain?.models[m]?.testAcc, true)),
        ]);
      }
  if (drows.length > 0) {
    log(
      `\nUnder defences (default settings, applied to the training of every run alike): clean test ` +
        `accuracy; in brackets the change from the same training set undefended.`,
    );
    log(
      markdownTable(
        ['data', 'defence', 'trained on', ...models],
        drows,
        models.map((_, i) => 3 + i),
      ),
    );
    footnote(shown);
  }
}

/** Both tables of this run's data sets, models and methods (saved cells included). */
export function printTables(plan: PoisonPlan, cells: Cells, backend: string): void {
  printPoisonTable(plan, cells, backend);
  printDefenceTable(plan, cells);
}
