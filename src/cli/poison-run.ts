/**
 * The heavy half of `salscape poison` (loaded only once the flags are valid): backend, the
 * seeded training subset `salscape train` would pick, the poison, and the files:
 * train-images-idx3-ubyte, train-labels-idx1-ubyte (standard MNIST IDX) and poison.json.
 */
import '../ml/engine/tf-setup';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { countClasses } from '../core/dataset';
import { writeIdxImages, writeIdxLabels } from '../core/idx';
import {
  POISON_METHODS,
  type PoisonSettings,
  type ResolvedPoisonSettings,
} from '../core/poison-types';
import { TRAIN_DEFAULTS, type TrainConfig } from '../core/train-config';
import { selectBackendNode } from '../ml/engine/backend';
import { loadDatasetNode } from '../ml/data/load-node';
import { getPoison } from '../ml/poisons';
import { selectRunData } from '../ml/train/run-training';
import { UsageError } from './args';
import type { CliIO } from './command';
import { stageProgress } from './progress';
import type { RunPoison } from './run-record';
import { loadSurrogateRun } from './surrogate';

/** File names inside the --out folder. */
export const POISON_FILES = {
  images: 'train-images-idx3-ubyte',
  labels: 'train-labels-idx1-ubyte',
  record: 'poison.json',
} as const;

/** Contents of `poison.json`. */
export interface PoisonRecord extends RunPoison {
  version: 1;
  /** Which training images were poisoned: the subset `salscape train` selects for this seed. */
  subset: {
    dataset: TrainConfig['dataset'];
    split: 'train';
    size: number;
    /** Seed of the subset selection (`salscape train --seed`). */
    seed: number;
    classCounts: number[];
    selection: string;
  };
  files: { images: string; labels: string; format: string };
  /** Positions (in the files) of the poisoned images; present only when ratio < 1. */
  poisonedIndices?: number[];
  backend: string;
  createdAt: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** One line describing resolved settings. */
export function describePoison(s: ResolvedPoisonSettings): string {
  const norm = POISON_METHODS[s.method].norm;
  const eps =
    norm === 'linf' ? `${s.eps.toFixed(4)} (${(s.eps * 255).toFixed(1)}/255)` : `${s.eps}`;
  return `${s.method}, ${norm} eps ${eps}, ratio ${pct(s.ratio)}, seed ${s.seed}`;
}

/** Generates the poisoned subset and writes it to `out`; returns poison.json's contents. */
export async function poisonRun(o: {
  dataset: TrainConfig['dataset'];
  trainSize: number;
  /** Seed of the subset (as in `salscape train --seed`). */
  seed: number;
  settings: PoisonSettings;
  surrogateRun?: string;
  backend: 'wasm' | 'cpu';
  out: string;
  io: CliIO;
}): Promise<PoisonRecord> {
  const { io, settings } = o;
  const report = await selectBackendNode(o.backend);
  if (report.chosen !== o.backend) {
    const why = report.notes.find((n) => n.backend === o.backend)?.why ?? 'it did not start';
    io.stderr(`salscape: backend ${o.backend} unavailable (${why}); using ${report.chosen}\n`);
  }
  const [train, test] = await Promise.all([
    loadDatasetNode(o.dataset, 'train'),
    loadDatasetNode(o.dataset, 'test'),
  ]);
  if (o.trainSize > train.count) {
    throw new UsageError(
      `--train-size must be at most ${train.count} for ${o.dataset} (got ${o.trainSize})`,
    );
  }
  const config: TrainConfig = {
    ...TRAIN_DEFAULTS,
    dataset: o.dataset,
    trainSize: o.trainSize,
    testSize: Math.min(TRAIN_DEFAULTS.testSize, test.count),
    seed: o.seed,
  };
  const subset = selectRunData(config, train, test).train;
  const method = getPoison(settings.method);
  let surrogate;
  if (method.info.needsCleanModel) {
    if (!o.surrogateRun) {
      throw new UsageError(
        `--method ${settings.method} attacks a trained clean model: pass --surrogate-run DIR, a folder written by "salscape train" on ${o.dataset}`,
      );
    }
    surrogate = await loadSurrogateRun(o.surrogateRun, o.dataset, io);
  } else if (o.surrogateRun) {
    io.stderr(`note: --surrogate-run is ignored by ${settings.method} (only tap and sep use it)\n`);
  }
  io.stderr(
    `poison ${o.trainSize} ${o.dataset} training images (subset seed ${o.seed}): ${method.info.name}\n`,
  );
  const progress = stageProgress(io, `poisoning (${settings.method})`);
  const r = await method.generate(subset, settings, {
    onProgress: (f, detail) => progress.update(f, detail),
    ...(surrogate ? { surrogate: surrogate.model } : {}),
  });
  progress.end();
  const poisonedCount = r.poisonedMask.reduce((a, b) => a + b, 0);
  io.stderr(
    `poisoned ${poisonedCount}/${subset.count} images in ${r.seconds.toFixed(1)} s (${describePoison(r.settings)}); ` +
      `measured after quantisation: L-inf ${r.norms.linfMax.toFixed(4)}, L2 mean ${r.norms.l2Mean.toFixed(3)} max ${r.norms.l2Max.toFixed(3)}, ` +
      `L0 mean ${r.norms.l0Mean.toFixed(1)}\n`,
  );
  for (const n of r.report.notes) io.stderr(`  ${n}\n`);
  if (subset.channels !== 1) throw new Error('IDX output holds grey images only');
  const p = r.poisoned;
  // poison.json marks a complete folder: drop an earlier one before its IDX files change.
  await rm(path.join(o.out, POISON_FILES.record), { force: true });
  await writeFile(
    path.join(o.out, POISON_FILES.images),
    writeIdxImages(p.images, p.count, p.height, p.width),
  );
  await writeFile(path.join(o.out, POISON_FILES.labels), writeIdxLabels(p.labels));
  const poisonedIndices: number[] = [];
  r.poisonedMask.forEach((m, i) => m === 1 && poisonedIndices.push(i));
  const record: PoisonRecord = {
    version: 1,
    method: r.settings.method,
    settings: r.settings,
    norms: r.norms,
    report: r.report,
    seconds: r.seconds,
    poisonedCount,
    ...(r.reduced ? { reduced: r.reduced } : {}),
    ...(surrogate ? { surrogateRun: surrogate.source } : {}),
    subset: {
      dataset: o.dataset,
      split: 'train',
      size: subset.count,
      seed: o.seed,
      classCounts: countClasses(subset.labels, subset.numClasses),
      selection:
        'the class-balanced subset "salscape train --dataset D --train-size N --seed S" trains on, in its order',
    },
    files: {
      images: POISON_FILES.images,
      labels: POISON_FILES.labels,
      format:
        'standard MNIST IDX: unsigned-byte images count x height x width (grey, 0..255), unsigned-byte labels',
    },
    ...(poisonedCount < subset.count ? { poisonedIndices } : {}),
    backend: report.chosen,
    createdAt: new Date().toISOString(),
  };
  await writeFile(path.join(o.out, POISON_FILES.record), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}
