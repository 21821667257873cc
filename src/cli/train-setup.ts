/**
 * What `salscape train` does before training, for the classifier run (train-run.ts) and the
 * task run (task-train-run.ts) alike: load and check the data subsets, fit SAL's image count to
 * them, fetch the surrogate model TAP and SEP attack, and state the poison in the summary.
 */
import { POISON_METHODS, type PoisonSettings } from '../core/poison-types';
import type { SalSettings } from '../core/sal-types';
import type { TrainConfig } from '../core/train-config';
import { loadDatasetNode } from '../ml/data/load-node';
import type { PoisonSummary } from '../core/experiment-types';
import { selectRunData } from '../ml/train/run-training';
import { UsageError } from './args';
import type { CliIO } from './command';
import { loadSurrogateRun, trainSurrogate, type LoadedSurrogate } from './surrogate';

/** The poison as the `--json` summary states it: settings and the measured norms. */
export interface SummaryPoison {
  method: string;
  eps: number;
  ratio: number;
  seed: number;
  linfMax: number;
  l2Mean: number;
}

type RunData = ReturnType<typeof selectRunData>;

/**
 * Loads `config.dataset` and selects the run's subsets; UsageError when a size exceeds the
 * set. `sayGiven` adds the size asked for to that message (the classifier run says it, the
 * task run never has).
 */
export async function loadRunData(config: TrainConfig, sayGiven: boolean): Promise<RunData> {
  const [train, test] = await Promise.all([
    loadDatasetNode(config.dataset, 'train'),
    loadDatasetNode(config.dataset, 'test'),
  ]);
  const given = (n: number) => (sayGiven ? ` (got ${n})` : '');
  if (config.trainSize > train.count) {
    throw new UsageError(
      `--train-size must be at most ${train.count} for ${config.dataset}${given(config.trainSize)}`,
    );
  }
  if (config.testSize > test.count) {
    throw new UsageError(
      `--test-size must be at most ${test.count} for ${config.dataset}${given(config.testSize)}`,
    );
  }
  return selectRunData(config, train, test);
}

/** SAL runs on the first subsetSize training images; record the number actually used. */
export function salForData(sal: SalSettings | null | undefined, data: RunData): SalSettings | null {
  return sal ? { ...sal, subsetSize: Math.min(sal.subsetSize, data.train.count) } : null;
}

/**
 * The trained clean model `poison` attacks (TAP, SEP): read from `surrogateRun` when given,
 * else trained here on `config`. Undefined when there is no poison or it needs no model.
 */
export async function surrogateFor(
  poison: PoisonSettings | null,
  surrogateRun: string | undefined,
  config: TrainConfig,
  data: RunData,
  io: CliIO,
): Promise<LoadedSurrogate | undefined> {
  if (!poison || !POISON_METHODS[poison.method].needsCleanModel) return undefined;
  return surrogateRun
    ? await loadSurrogateRun(surrogateRun, config.dataset, io)
    : await trainSurrogate(config, data, io, `${poison.method} attacks a trained clean model`);
}

/** The summary's `poison` field of a poisoned run. */
export function summaryPoison(p: PoisonSummary): SummaryPoison {
  return {
    method: p.method,
    eps: p.settings.eps,
    ratio: p.settings.ratio,
    seed: p.settings.seed,
    linfMax: p.norms.linfMax,
    l2Mean: p.norms.l2Mean,
  };
}
