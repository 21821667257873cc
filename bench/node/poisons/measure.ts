/**
 * bench:poisons, step 3: the training runs of one data set. The clean baseline first (its
 * cnn-s run is what TAP and SEP attack), then every poison at each budget, then clean and the
 * defended poisons under each defence. Cells already saved are skipped; each new one is saved
 * and printed as it finishes.
 */
import type { DatasetId, ImageSet } from '../../../src/core/dataset';
import { defaultDefence, describeDefence } from '../../../src/core/defence-types';
import { POISON_METHODS, type PoisonMethodId } from '../../../src/core/poison-types';
import type { ModelName } from '../../../src/core/train-config';
import { loadDatasetNode } from '../../../src/ml/data/load-node';
import { nodeJpegCodec } from '../../../src/ml/defences/jpeg-node';
import { runExperiment } from '../../../src/ml/experiment/run-experiment';
import { getPoison } from '../../../src/ml/poisons';
import type { SurrogateModel } from '../../../src/core/model-spec';
import { runTraining, selectRunData } from '../../../src/ml/train/run-training';
import { log } from '../results-file';
import { breakdownMark, modelResult, type Cell, type Cells, type ModelResult } from './cells';
import type { PoisonPlan } from './plan';

const CIFAR_EPS = 8 / 255;

export const f3 = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(3));

/** ", train acc X": always logged next to test accuracy, with the mark of a run that did not train. */
const trainNote = (r: ModelResult) =>
  `, train acc ${f3(r.trainAcc)}${r.didNotTrain ? ` ${breakdownMark(r)} did not train: ${r.didNotTrainReason}` : ''}`;

type RunData = ReturnType<typeof selectRunData>;

/** What the steps of one data set share. */
interface DatasetRun {
  dataset: DatasetId;
  plan: PoisonPlan;
  cells: Cells;
  data: RunData;
  /** The clean cnn-s run, once trained: what TAP and SEP attack. */
  surrogate: SurrogateModel | null;
  /** Poisoned training sets at default budgets, kept for the defence rows. */
  defaultSets: Map<PoisonMethodId, ImageSet>;
}

/** Trains `model` on `set`; the first clean cnn-s run becomes the surrogate. */
async function trainOne(run: DatasetRun, model: ModelName, set: ImageSet): Promise<ModelResult> {
  const s0 = performance.now();
  const r = await runTraining(
    { ...run.plan.base, dataset: run.dataset, model },
    { train: set, test: run.data.test },
  );
  if (model === 'cnn-s' && set === run.data.train && !run.surrogate) {
    run.surrogate = {
      spec: r.spec,
      weights: r.checkpoints[r.checkpoints.length - 1]!,
      checkpoints: r.checkpoints.slice(1),
    };
  }
  return modelResult(r.metrics, set.numClasses, (performance.now() - s0) / 1000);
}

/** Clean baselines: every model on the clean subset. */
async function measureClean(run: DatasetRun): Promise<Cell> {
  const { dataset, cells } = run;
  let clean = cells.find(dataset, 'clean', '-', null);
  if (!clean) {
    clean = {
      dataset,
      method: 'clean',
      budget: '-',
      eps: null,
      norm: '-',
      genSeconds: 0,
      linfMax: 0,
      l2Mean: 0,
      l0Mean: 0,
      models: {},
    };
    cells.all.push(clean);
  }
  for (const model of run.plan.models) {
    if (clean.models[model]) continue;
    clean.models[model] = await trainOne(run, model, run.data.train);
    cells.save();
    log(
      `${dataset} clean ${model}: test acc ${f3(clean.models[model]!.testAcc)}${trainNote(clean.models[model]!)} (${clean.models[model]!.seconds.toFixed(0)} s)`,
    );
  }
  return clean;
}

/** Each poison at its default budget (and 8/255 for L-inf) or the --eps budgets. */
async function measurePoisons(run: DatasetRun, clean: Cell): Promise<void> {
  const { dataset, cells, plan, data } = run;
  for (const method of plan.methods) {
    const info = POISON_METHODS[method];
    const budgets: [string, number][] = plan.epsOverrides[method] ?? [
      ['default', info.defaultEps[dataset]],
    ];
    if (
      !plan.epsOverrides[method] &&
      info.norm === 'linf' &&
      Math.abs(info.defaultEps[dataset] - CIFAR_EPS) > 1e-9
    ) {
      budgets.push(['8/255', CIFAR_EPS]);
    }
    for (const [budget, eps] of budgets) {
      const saved = cells.find(dataset, method, budget, eps);
      const missing = plan.models.filter((m) => !saved?.models[m]);
      if (saved && missing.length === 0) continue;
      if (info.needsCleanModel && !run.surrogate) {
        log(`${dataset}: training the clean cnn-s run for ${method} to attack`);
        await trainOne(run, 'cnn-s', data.train);
      }
      let lastLog = performance.now();
      const gen = await getPoison(method).generate(
        data.train,
        { method, eps, ratio: 1, seed: plan.base.seed },
        {
          ...(run.surrogate ? { surrogate: run.surrogate } : {}),
          onProgress: (f, detail) => {
            if (performance.now() - lastLog > 30_000) {
              lastLog = performance.now();
              log(`  ${dataset} ${method} ${budget}: ${(100 * f).toFixed(0)}% ${detail}`);
            }
          },
        },
      );
      if (budget === 'default') run.defaultSets.set(method, gen.poisoned);
      const rep = gen.report;
      const cell: Cell = saved ?? {
        dataset,
        method,
        budget,
        eps,
        norm: info.norm,
        genSeconds: gen.seconds,
        linfMax: gen.norms.linfMax,
        l2Mean: gen.norms.l2Mean,
        l0Mean: gen.norms.l0Mean,
        ...(rep.stopReason
          ? {
              stop: `${rep.stopReason} after ${rep.rounds} rounds, loss ${rep.finalLoss?.toFixed(4)}`,
            }
          : {}),
        models: {},
      };
      if (!saved) cells.all.push(cell);
      for (const model of missing) {
        cell.models[model] = await trainOne(run, model, gen.poisoned);
        cells.save();
        const c = clean.models[model]?.testAcc;
        log(
          `${dataset} ${method} ${budget} (${info.norm} ${eps.toFixed(4)}, gen ${gen.seconds.toFixed(0)} s${cell.stop ? `, ${cell.stop}` : ''}) ` +
            `${model}: test acc ${f3(cell.models[model]!.testAcc)}${trainNote(cell.models[model]!)} (clean ${f3(c)})`,
        );
      }
    }
  }
}

/** Defences: clean and the EM / LSP sets at their default budgets, each defence alike. */
async function measureDefences(run: DatasetRun): Promise<void> {
  const { dataset, cells, plan, data } = run;
  for (const defenceId of plan.defenceIds) {
    const defence = defaultDefence(defenceId);
    for (const method of ['clean', ...plan.defendedMethods] as const) {
      const eps = method === 'clean' ? null : POISON_METHODS[method].defaultEps[dataset];
      const budget = method === 'clean' ? '-' : 'default';
      const saved = cells.find(dataset, method, budget, eps, defenceId);
      const missing = plan.models.filter((m) => !saved?.models[m]);
      if (saved && missing.length === 0) continue;
      let set = method === 'clean' ? data.train : run.defaultSets.get(method);
      let gen: Awaited<ReturnType<ReturnType<typeof getPoison>['generate']>> | null = null;
      if (!set && method !== 'clean') {
        gen = await getPoison(method).generate(data.train, {
          method,
          eps: eps!,
          ratio: 1,
          seed: plan.base.seed,
        });
        set = gen.poisoned;
        run.defaultSets.set(method, set);
      }
      const cell: Cell = saved ?? {
        dataset,
        method,
        budget,
        eps,
        norm: method === 'clean' ? '-' : POISON_METHODS[method].norm,
        genSeconds: gen?.seconds ?? 0,
        linfMax: gen?.norms.linfMax ?? 0,
        l2Mean: gen?.norms.l2Mean ?? 0,
        l0Mean: gen?.norms.l0Mean ?? 0,
        defence: defenceId,
        models: {},
      };
      if (!saved) cells.all.push(cell);
      for (const model of missing) {
        const s0 = performance.now();
        const r = await runExperiment(
          { config: { ...plan.base, dataset, model }, poison: null, sal: null, defence },
          { train: set!, test: data.test },
          {},
          { jpeg: nodeJpegCodec },
        );
        cell.models[model] = modelResult(
          r.metrics,
          set!.numClasses,
          (performance.now() - s0) / 1000,
        );
        cells.save();
        const undefended = cells.find(dataset, method, budget, eps)?.models[model]?.testAcc;
        log(
          `${dataset} ${method} under ${describeDefence(defence)} ${model}: test acc ` +
            `${f3(cell.models[model]!.testAcc)}${trainNote(cell.models[model]!)} (undefended ${f3(undefended)}, ${cell.models[model]!.seconds.toFixed(0)} s)`,
        );
      }
    }
  }
}

/** Every run of `dataset` that `plan` asks for and `cells` lacks. */
export async function measureDataset(
  dataset: DatasetId,
  plan: PoisonPlan,
  cells: Cells,
): Promise<void> {
  const [train, test] = await Promise.all([
    loadDatasetNode(dataset, 'train'),
    loadDatasetNode(dataset, 'test'),
  ]);
  const run: DatasetRun = {
    dataset,
    plan,
    cells,
    data: selectRunData({ ...plan.base, dataset }, train, test),
    surrogate: null,
    defaultSets: new Map(),
  };
  const clean = await measureClean(run);
  await measurePoisons(run, clean);
  await measureDefences(run);
}
