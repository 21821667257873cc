/**
 * bench:sal, step 4: what UD says. Per seed and UD model, a clean run and one run per poison
 * (default MNIST budget), each with SAL after every epoch; each poisoned run's UD against the
 * clean run of the same seed is printed as it finishes. A method's poisoned set is made once
 * per seed and used by every model; TAP and SEP attack the clean cnn-s run of the same subset.
 */
import type { ImageSet } from '../../../src/core/dataset';
import { POISON_METHODS, type PoisonMethodId } from '../../../src/core/poison-types';
import type { ModelName } from '../../../src/core/train-config';
import { unlearnableDistance, type UdResult } from '../../../src/core/ud';
import { detectBreakdown } from '../../../src/core/breakdown';
import { runExperiment } from '../../../src/ml/experiment/run-experiment';
import { getPoison } from '../../../src/ml/poisons';
import type { SurrogateModel } from '../../../src/core/model-spec';
import { runTraining, selectRunData } from '../../../src/ml/train/run-training';
import { log } from '../results-file';
import type { SalPlan } from './plan';
import type { SalResults, UdRun } from './runs';

export const f3 = (x: number | null | undefined) =>
  x === null || x === undefined ? '-' : x.toFixed(3);

/** ", train acc X": logged next to test accuracy, with the reason when the run did not train. */
const trainNote = (r: UdRun) =>
  `, train acc ${f3(r.trainAcc)}${r.didNotTrain ? ` \u2020 did not train: ${r.didNotTrainReason}` : ''}`;

/**
 * UD of a poisoned run against its clean run, or null when either did not train (as in the app:
 * a run that learnt nothing measures no poison, and a clean one is no yardstick).
 */
export function pairUd(clean: UdRun, poisoned: UdRun): UdResult | null {
  if (clean.didNotTrain || poisoned.didNotTrain) return null;
  return unlearnableDistance(clean.sal.values, poisoned.sal.values);
}

/** The UD runs of one seed that `results` lacks. */
async function measureSeed(
  plan: SalPlan,
  seed: number,
  train: ImageSet,
  test: ImageSet,
  results: SalResults,
): Promise<void> {
  const { runs } = results;
  const config0 = { ...plan.base, seed };
  const data = selectRunData({ ...config0, model: 'cnn-s' }, train, test);
  const poisoned = new Map<PoisonMethodId, { set: ImageSet; eps: number; genSeconds: number }>();
  let surrogate: SurrogateModel | null = null;
  const find = (model: ModelName, method: UdRun['method']) =>
    runs.find((r) => r.model === model && r.seed === seed && r.method === method);
  const runWithSal = async (
    model: ModelName,
    method: UdRun['method'],
    set: ImageSet,
    eps: number | null,
    genSeconds: number,
  ) => {
    const secs: number[] = [];
    const r = await runExperiment(
      { config: { ...config0, model }, poison: null, sal: plan.salSettings },
      { train: set, test: data.test },
      { onSal: (row) => secs.push(row.seconds) },
    );
    const last = r.metrics[r.metrics.length - 1]!;
    const broke = detectBreakdown(r.metrics, set.numClasses);
    const run: UdRun = {
      model,
      seed,
      method,
      eps,
      testAcc: last.testAcc,
      trainAcc: last.trainAcc,
      trainLoss: last.trainLoss,
      didNotTrain: broke.didNotTrain,
      ...(broke.reason ? { didNotTrainReason: broke.reason } : {}),
      sal: r.sal!,
      salSeconds: secs.reduce((a, b) => a + b, 0) / Math.max(1, secs.length),
      genSeconds,
    };
    runs.push(run);
    results.save();
    return run;
  };
  for (const model of plan.models) {
    const clean = find(model, 'clean') ?? (await runWithSal(model, 'clean', data.train, null, 0));
    log(
      `seed ${seed} ${model} clean: test acc ${f3(clean.testAcc)}${trainNote(clean)}, SAL ${clean.salSeconds.toFixed(1)} s/epoch`,
    );
    for (const method of plan.methods) {
      if (find(model, method)) continue;
      let p = poisoned.get(method);
      if (!p) {
        const info = POISON_METHODS[method];
        if (info.needsCleanModel && !surrogate) {
          const c = await runTraining({ ...config0, model: 'cnn-s' }, data);
          surrogate = {
            spec: c.spec,
            weights: c.checkpoints[c.checkpoints.length - 1]!,
            checkpoints: c.checkpoints.slice(1),
          };
        }
        const eps = info.defaultEps.mnist;
        const g = await getPoison(method).generate(
          data.train,
          { method, eps, ratio: 1, seed },
          surrogate ? { surrogate } : {},
        );
        p = { set: g.poisoned, eps, genSeconds: g.seconds };
        poisoned.set(method, p);
      }
      const run = await runWithSal(model, method, p.set, p.eps, p.genSeconds);
      const ud = pairUd(clean, run);
      log(
        `seed ${seed} ${model} ${method}: test acc ${f3(run.testAcc)}${trainNote(run)} (clean ${f3(clean.testAcc)}), ` +
          (ud
            ? `UD ${ud.ud === null ? 'undefined' : ud.ud.toFixed(3)}, beta ${ud.beta.toPrecision(3)}, #LP ${ud.lpPoisoned.toFixed(2)} / ${ud.lpClean.toFixed(2)}`
            : `no UD: ${clean.didNotTrain ? 'the clean run' : 'this run'} did not train`),
      );
    }
  }
}

/** Every seed's UD runs that `results` lacks. */
export async function measureUd(
  plan: SalPlan,
  train: ImageSet,
  test: ImageSet,
  results: SalResults,
): Promise<void> {
  for (const seed of plan.seeds) await measureSeed(plan, seed, train, test, results);
}
