/**
 * The trained clean model TAP and SEP attack: read from a finished `salscape train` folder
 * (`--surrogate-run DIR`), or trained in-process on the same config first.
 */
import type { ImageSet } from '../core/dataset';
import type { TrainConfig } from '../core/train-config';
import { assertSameLayout } from '../core/weights';
import type { SurrogateModel } from '../core/model-spec';
import { runTraining } from '../ml/train/run-training';
import { UsageError } from './args';
import { readCheckpoint, readCheckpointIndex } from './checkpoints';
import type { CliIO } from './command';
import { readModelDir } from './model-dir';
import { readRunRecord } from './run-record';
import path from 'node:path';

/** A loaded surrogate plus the words that say where it came from. */
export interface LoadedSurrogate {
  model: SurrogateModel;
  /** Absolute folder, or "in-process". */
  source: string;
}

/**
 * Reads the final model and the per-epoch checkpoints (epochs 1..T, the random init left out)
 * of a clean run folder. UsageError (naming --surrogate-run) when the folder is not a finished
 * run, was trained on another data set, or was itself trained on poisoned data.
 */
export async function loadSurrogateRun(
  dir: string,
  dataset: TrainConfig['dataset'],
  io: CliIO,
): Promise<LoadedSurrogate> {
  const abs = path.resolve(dir);
  let rec;
  try {
    rec = await readRunRecord(abs, '--surrogate-run');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (rec.config.dataset !== dataset) {
    throw new UsageError(
      `--surrogate-run ${abs} was trained on ${rec.config.dataset}, this poison is for ${dataset}`,
    );
  }
  if (rec.poison) {
    throw new UsageError(
      `--surrogate-run ${abs} was trained on ${rec.poison.method}-poisoned data; TAP and SEP attack a clean run`,
    );
  }
  try {
    const { spec, snapshot } = await readModelDir(path.join(abs, 'model'));
    const ckDir = path.join(abs, 'checkpoints');
    const index = await readCheckpointIndex(ckDir);
    const checkpoints = [];
    for (const f of index.files) {
      if (f.epoch === 0) continue;
      const c = await readCheckpoint(ckDir, f.epoch, index);
      assertSameLayout(snapshot, c);
      checkpoints.push(c);
    }
    io.stderr(
      `clean model to attack: ${spec.id} from ${abs} (${rec.config.trainSize} ${rec.config.dataset} images, seed ${rec.config.seed}, ${checkpoints.length} epoch checkpoints)\n`,
    );
    return { model: { spec, weights: snapshot, checkpoints }, source: abs };
  } catch (e) {
    throw new UsageError(`--surrogate-run ${abs}: ${(e as Error).message}`);
  }
}

/** Trains the clean run of `config` on `data` and returns it as the model to attack. */
export async function trainSurrogate(
  config: TrainConfig,
  data: { train: ImageSet; test: ImageSet },
  io: CliIO,
  why: string,
): Promise<LoadedSurrogate> {
  io.stderr(
    `${why}: no --surrogate-run given, so the clean run of the same config (${config.model}, ` +
      `${config.epochs} epochs, seed ${config.seed}) is trained first, in-process\n`,
  );
  const r = await runTraining(config, data, {
    onEpoch: (m) =>
      io.stderr(
        `  clean epoch ${m.epoch}/${config.epochs}: test acc ${(100 * m.testAcc).toFixed(1)}%\n`,
      ),
  });
  const weights = r.checkpoints[r.checkpoints.length - 1];
  if (!weights) throw new Error('the clean run produced no weights');
  return {
    model: { spec: r.spec, weights, checkpoints: r.checkpoints.slice(1) },
    source: 'in-process',
  };
}
