/**
 * The heavy half of `salscape train` (loaded only once the flags are valid): backend, data,
 * training with progress on stderr, and the run's files.
 */
import '../ml/engine/tf-setup';
import type { EpochMetrics, StepProgress } from '../core/run-types';
import type { TrainConfig } from '../core/train-config';
import { selectBackendNode } from '../ml/engine/backend';
import { loadDatasetNode } from '../ml/data/load-node';
import { runTraining, selectRunData } from '../ml/train/run-training';
import { UsageError } from './args';
import type { CliIO } from './command';
import { writeRunFiles } from './run-files';

/** The final summary (`--json` prints exactly this object). Accuracies are fractions. */
export interface TrainSummary {
  testAcc: number;
  testLoss: number;
  trainAcc: number;
  trainLoss: number;
  epochs: number;
  /** Wall-clock seconds of the training, evaluation included. */
  seconds: number;
  /** Training examples per second over all SGD steps. */
  examplesPerSec: number;
  backend: string;
  /** Absolute path of the output folder. */
  out: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** One stderr line per epoch. */
export function epochLine(m: EpochMetrics, epochs: number): string {
  return (
    `epoch ${m.epoch}/${epochs}  train loss ${m.trainLoss.toFixed(4)} acc ${pct(m.trainAcc)}  ` +
    `test loss ${m.testLoss.toFixed(4)} acc ${pct(m.testAcc)}  ` +
    `${Math.round(m.examplesPerSec)} ex/s  ${m.seconds.toFixed(1)} s`
  );
}

function progressLine(p: StepProgress): string {
  return `epoch ${p.epoch} step ${p.step}/${p.steps}  loss ${p.loss.toFixed(4)} acc ${pct(p.acc)}  ${Math.round(p.examplesPerSec)} ex/s`;
}

/** Trains `config` on `backend`, writes the run to `out` and returns the summary. */
export async function trainRun(o: {
  config: TrainConfig;
  backend: 'wasm' | 'cpu';
  out: string;
  io: CliIO;
}): Promise<TrainSummary> {
  const { config, io } = o;
  const report = await selectBackendNode(o.backend);
  if (report.chosen !== o.backend) {
    const why = report.notes.find((n) => n.backend === o.backend)?.why ?? 'it did not start';
    io.stderr(`salscape: backend ${o.backend} unavailable (${why}); using ${report.chosen}\n`);
  }
  const [train, test] = await Promise.all([
    loadDatasetNode(config.dataset, 'train'),
    loadDatasetNode(config.dataset, 'test'),
  ]);
  if (config.trainSize > train.count) {
    throw new UsageError(
      `--train-size must be at most ${train.count} for ${config.dataset} (got ${config.trainSize})`,
    );
  }
  if (config.testSize > test.count) {
    throw new UsageError(
      `--test-size must be at most ${test.count} for ${config.dataset} (got ${config.testSize})`,
    );
  }
  const data = selectRunData(config, train, test);
  io.stderr(
    `train ${config.model} on ${config.dataset}: ${config.trainSize} train / ${config.testSize} test images, ` +
      `${config.epochs} epoch${config.epochs === 1 ? '' : 's'}, batch ${config.batchSize}, lr ${config.lr}, seed ${config.seed}, backend ${report.chosen}\n`,
  );
  const live = io.stderrIsTTY;
  const t0 = performance.now();
  const result = await runTraining(config, data, {
    onProgress: live ? (p) => io.stderr(`\r\x1b[K${progressLine(p)}`) : undefined,
    onEpoch: (m) => io.stderr(`${live ? '\r\x1b[K' : ''}${epochLine(m, config.epochs)}\n`),
  });
  const seconds = (performance.now() - t0) / 1000;
  await writeRunFiles(o.out, result.spec, result.checkpoints, {
    config,
    backend: report.chosen,
    metrics: result.metrics,
    seconds,
  });
  const last = result.metrics[result.metrics.length - 1];
  if (!last) throw new Error('the run finished without a single epoch');
  const n = data.train.count;
  const trainSeconds = result.metrics.reduce((s, m) => s + n / m.examplesPerSec, 0);
  return {
    testAcc: last.testAcc,
    testLoss: last.testLoss,
    trainAcc: last.trainAcc,
    trainLoss: last.trainLoss,
    epochs: result.metrics.length,
    seconds,
    examplesPerSec: (n * result.metrics.length) / trainSeconds,
    backend: report.chosen,
    out: o.out,
  };
}
