/**
 * One experiment run: optionally poison the training subset, optionally defend (a data defence
 * rewrites the set, a loop defence changes every step), train on it, and measure SAL of
 * every weight layer after every epoch on the run's own training data (the poisoned set for a
 * poisoned run). The worker and the CLI both call this, so a run is the same run everywhere.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectSubset, type ImageSet } from '../../core/dataset';
import type { DefenceSettings } from '../../core/defence-types';
import type { DefenceSummary, GallerySample, PoisonSummary } from '../../core/experiment-types';
import type { PoisonSettings } from '../../core/poison-types';
import {
  emptySalRecord,
  pushSalRow,
  salRowOf,
  type SalRecord,
  type SalRow,
  type SalSettings,
} from '../../core/sal-types';
import { loopDefence, type JpegCodec } from '../defences';
import type { TrainConfig } from '../../core/train-config';
import { toTensors } from '../data/tensors';
import { salAllLayers } from '../sal/sal';
import { weightLayerNames } from '../models/zoo';
import { runTraining, specFor, type RunHooks } from '../train/run-training';
import type { TrainResult } from '../train/train-loop';
import type { ModelSpec, SurrogateModel } from '../../core/model-spec';
import { prepareTrainSet } from './prepare-train-set';

/** What to run: training settings, an optional poison and optional per-epoch SAL. */
export interface ExperimentSpec {
  config: TrainConfig;
  poison: PoisonSettings | null;
  sal: SalSettings | null;
  /** A defence applied to the (possibly poisoned) training set or loop; absent = none. */
  defence?: DefenceSettings | null;
}

export interface ExperimentHooks extends RunHooks {
  onStage?: (stage: 'poisoning' | 'sal', detail: string, fraction: number) => void;
  onPoison?: (summary: PoisonSummary, gallery: GallerySample) => void;
  onSal?: (row: SalRow) => void;
  onDefence?: (summary: DefenceSummary) => void;
}

export interface ExperimentResult extends TrainResult {
  spec: ModelSpec;
  /** The training set the model saw (poisoned, then data-defended, where asked). */
  trainSet: ImageSet;
  poison: PoisonSummary | null;
  defence: DefenceSummary | null;
  sal: SalRecord | null;
}

/** The first `n` images of a set in stored order (SAL uses them, unshuffled). */
export function firstImages(set: ImageSet, n: number): ImageSet {
  return selectSubset(
    set,
    Int32Array.from({ length: Math.min(n, set.count) }, (_, i) => i),
  );
}

/**
 * Runs an experiment on already-selected subsets. `surrogate` is the trained clean model
 * TAP and SEP need. Frees every tensor it made, also on error or cancel.
 */
export async function runExperiment(
  exp: ExperimentSpec,
  data: { train: ImageSet; test: ImageSet },
  hooks: ExperimentHooks = {},
  opts: { surrogate?: SurrogateModel; jpeg?: JpegCodec } = {},
): Promise<ExperimentResult> {
  const spec = specFor(exp.config, data.train);
  const transformBatch = exp.defence ? loopDefence(exp.defence, spec, exp.config.seed) : null;
  const prepared = await prepareTrainSet(
    data.train,
    exp,
    {
      onPoisonProgress: (f, detail) => hooks.onStage?.('poisoning', detail, f),
      ...(hooks.onPoison ? { onPoison: hooks.onPoison } : {}),
      ...(hooks.onDefence ? { onDefence: hooks.onDefence } : {}),
      ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
    },
    opts,
  );
  const { set: trainSet, poison, defence } = prepared;
  const salSettings = exp.sal;
  const salData = salSettings ? toTensors(firstImages(trainSet, salSettings.subsetSize)) : null;
  const sal: SalRecord | null = salSettings
    ? emptySalRecord(salSettings, weightLayerNames(spec))
    : null;
  try {
    const result = await runTraining(
      exp.config,
      { train: trainSet, test: data.test },
      {
        ...hooks,
        ...(transformBatch ? { transformBatch } : {}),
        onEpoch: async (m, ckpt) => {
          await hooks.onEpoch?.(m, ckpt);
          if (!salSettings || !salData || !sal) return;
          const t0 = performance.now();
          const r = await salAllLayers(spec, ckpt, salData, salSettings, {
            onProgress: (done, total) =>
              hooks.onStage?.('sal', `SAL after epoch ${m.epoch}`, done / total),
            ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
          });
          const row = salRowOf(m.epoch, r, (performance.now() - t0) / 1000);
          pushSalRow(sal, row);
          hooks.onSal?.(row);
        },
      },
    );
    return { ...result, spec, trainSet, poison, defence, sal };
  } finally {
    if (salData) tf.dispose([salData.x, salData.y]);
  }
}
