/**
 * One experiment run: optionally poison the training subset, optionally defend (a data defence
 * rewrites the set, a loop defence changes every step), train on it, and measure SAL of
 * every weight layer after every epoch on the run's own training data (the poisoned set for a
 * poisoned run). The worker and the CLI both call this, so a run is the same run everywhere.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectSubset, type ImageSet } from '../../core/dataset';
import { resolvePoisonSettings, type PoisonSettings } from '../../core/poison-types';
import { poisonSummary, type GallerySample, type PoisonSummary } from '../../core/experiment-types';
import type { SalRecord, SalRow, SalSettings } from '../../core/sal-types';
import { describeDefence, type DefenceSettings } from '../../core/defence-types';
import { applyDataDefence, loopDefence, type JpegCodec } from '../defences';
import type { TrainConfig } from '../../core/train-config';
import { toTensors } from '../data/tensors';
import { getPoison } from '../poisons';
import { salAllLayers } from '../sal/sal';
import { weightLayerNames } from '../models/zoo';
import { runTraining, specFor, type RunHooks } from '../train/run-training';
import type { TrainResult } from '../train/train-loop';
import type { ModelSpec, SurrogateModel } from '../../core/model-spec';

/** What to run: training settings, an optional poison and optional per-epoch SAL. */
export interface ExperimentSpec {
  config: TrainConfig;
  poison: PoisonSettings | null;
  sal: SalSettings | null;
  /** A defence applied to the (possibly poisoned) training set or loop; absent = none. */
  defence?: DefenceSettings | null;
}

/** What the defence step did. */
export interface DefenceSummary {
  settings: DefenceSettings;
  /** e.g. "JPEG q10". */
  label: string;
  /** Set when the defence changed nothing (grayscale on grey images). */
  note: string | null;
  /** Seconds spent rewriting the training set (0 for loop defences). */
  seconds: number;
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

/** Up to `perClass` poisoned images per class, for the gallery. */
export function gallerySample(
  clean: ImageSet,
  poisoned: ImageSet,
  perturbation: Float32Array,
  mask: Uint8Array,
  perClass = 2,
): GallerySample {
  const per = clean.height * clean.width * clean.channels;
  const taken = new Array<number>(clean.numClasses).fill(0);
  const idx: number[] = [];
  for (let i = 0; i < clean.count; i++) {
    const c = clean.labels[i] ?? 0;
    if (mask[i] && (taken[c] ?? 0) < perClass) {
      taken[c] = (taken[c] ?? 0) + 1;
      idx.push(i);
    }
  }
  idx.sort((a, b) => (clean.labels[a] ?? 0) - (clean.labels[b] ?? 0));
  const pick = <T extends Uint8Array | Float32Array>(src: T, make: (n: number) => T): T => {
    const out = make(idx.length * per);
    idx.forEach((i, k) => out.set(src.subarray(i * per, (i + 1) * per), k * per));
    return out;
  };
  return {
    original: pick(clean.images, (n) => new Uint8Array(n)),
    poisoned: pick(poisoned.images, (n) => new Uint8Array(n)),
    perturbation: pick(perturbation, (n) => new Float32Array(n)),
    labels: Uint8Array.from(idx.map((i) => clean.labels[i] ?? 0)),
    count: idx.length,
    height: clean.height,
    width: clean.width,
    channels: clean.channels,
    classNames: clean.classNames,
  };
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
  let trainSet = data.train;
  let poison: PoisonSummary | null = null;
  if (exp.poison) {
    const settings = resolvePoisonSettings(exp.poison);
    const method = getPoison(settings.method);
    // TAP and SEP attack a trained clean model; EM and REM train their own surrogate.
    if ((settings.method === 'tap' || settings.method === 'sep') && !opts.surrogate)
      throw new Error(
        `${method.info.name} attacks a trained clean model: train the clean run first, then this poison.`,
      );
    const r = await method.generate(data.train, settings, {
      onProgress: (f, detail) => hooks.onStage?.('poisoning', detail, f),
      ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
      ...(opts.surrogate ? { surrogate: opts.surrogate } : {}),
    });
    trainSet = r.poisoned;
    poison = poisonSummary(r);
    hooks.onPoison?.(poison, gallerySample(data.train, r.poisoned, r.perturbation, r.poisonedMask));
  }
  const spec = specFor(exp.config, trainSet);
  let defence: DefenceSummary | null = null;
  const transformBatch = exp.defence ? loopDefence(exp.defence, spec, exp.config.seed) : null;
  if (exp.defence) {
    const t0 = performance.now();
    const r = await applyDataDefence(trainSet, exp.defence, opts.jpeg ? { jpeg: opts.jpeg } : {});
    trainSet = r.set;
    defence = {
      settings: exp.defence,
      label: describeDefence(exp.defence),
      note: r.note,
      seconds: (performance.now() - t0) / 1000,
    };
    hooks.onDefence?.(defence);
  }
  const salSettings = exp.sal;
  const salData = salSettings ? toTensors(firstImages(trainSet, salSettings.subsetSize)) : null;
  const sal: SalRecord | null = salSettings
    ? {
        settings: salSettings,
        layers: weightLayerNames(spec),
        values: [],
        up: [],
        down: [],
        l0: [],
      }
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
          const row: SalRow = {
            epoch: m.epoch,
            layers: r.layers.map((l) => l.name),
            values: r.layers.map((l) => l.sal),
            up: r.layers.map((l) => l.up),
            down: r.layers.map((l) => l.down),
            l0: r.l0,
            seconds: (performance.now() - t0) / 1000,
          };
          sal.values.push(row.values);
          sal.up.push(row.up);
          sal.down.push(row.down);
          sal.l0?.push(row.l0);
          hooks.onSal?.(row);
        },
      },
    );
    return { ...result, spec, trainSet, poison, defence, sal };
  } finally {
    if (salData) tf.dispose([salData.x, salData.y]);
  }
}
