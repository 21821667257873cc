/**
 * The heavy half of `salscape train` for the digit classifier (loaded only once the flags are
 * valid): backend, data, the optional poison and per-epoch SAL (through runExperiment, as the
 * app's worker runs them), training with progress on stderr, and the run's files. Other tasks
 * train in task-train-run.ts; what both do first is in train-setup.ts.
 */
import '../ml/engine/tf-setup';
import { detectBreakdown, DID_NOT_TRAIN_ADVICE, DID_NOT_TRAIN_LABEL } from '../core/breakdown';
import type { DefenceSettings } from '../core/defence-types';
import { POISON_METHODS, type PoisonSettings } from '../core/poison-types';
import type { EpochMetrics, StepProgress } from '../core/run-types';
import { SAL_L0_DEPARTURE, type SalSettings, type SalRow } from '../core/sal-types';
import type { TrainConfig } from '../core/train-config';
import { selectBackendNode } from '../ml/engine/backend';
import { runExperiment } from '../ml/experiment/run-experiment';
import { nodeJpegCodec } from '../ml/defences/jpeg-node';
import type { CliIO } from './command';
import { describePoison } from './poison-run';
import { stageProgress, type StageProgress } from './progress';
import { writeRunFiles } from './run-files';
import type { RunPoison } from './run-record';
import { describeSal } from './sal-flags';
import {
  loadRunData,
  salForData,
  summaryPoison,
  surrogateFor,
  type SummaryPoison,
} from './train-setup';

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
  /** With --poison: the settings and the measured norms. */
  poison?: SummaryPoison;
  /** With --defence: the defence in words, e.g. "JPEG q10". */
  defence?: string;
  /** With --sal: the layers and the last epoch's SAL values. */
  sal?: { layers: string[]; last: number[] };
  /** The breakdown detector's verdict (core/breakdown.ts): true when the run did not train. */
  didNotTrain: boolean;
  /** Why, when didNotTrain. */
  didNotTrainReason?: string;
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

/** One stderr line of SAL values after an epoch. */
export function salLine(row: SalRow): string {
  const vals = row.layers.map((n, i) => `${n} ${(row.values[i] ?? NaN).toFixed(4)}`).join('  ');
  return `  SAL after epoch ${row.epoch}: ${vals}  (L0 ${row.l0.toFixed(4)}, ${row.seconds.toFixed(1)} s)`;
}

function progressLine(p: StepProgress): string {
  return `epoch ${p.epoch} step ${p.step}/${p.steps}  loss ${p.loss.toFixed(4)} acc ${pct(p.acc)}  ${Math.round(p.examplesPerSec)} ex/s`;
}

/**
 * Trains `config` on `backend` (on the poisoned subset when `poison` is set, with SAL after
 * every epoch when `sal` is set), writes the run to `out` and returns the summary.
 */
export async function trainRun(o: {
  config: TrainConfig;
  poison?: PoisonSettings | null;
  defence?: DefenceSettings | null;
  sal?: SalSettings | null;
  surrogateRun?: string;
  backend: 'wasm' | 'cpu';
  out: string;
  io: CliIO;
}): Promise<TrainSummary> {
  const { config, io } = o;
  const poison = o.poison ?? null;
  const defence = o.defence ?? null;
  const report = await selectBackendNode(o.backend);
  if (report.chosen !== o.backend) {
    const why = report.notes.find((n) => n.backend === o.backend)?.why ?? 'it did not start';
    io.stderr(`salscape: backend ${o.backend} unavailable (${why}); using ${report.chosen}\n`);
  }
  const data = await loadRunData(config, true);
  const sal = salForData(o.sal, data);
  const surrogate = await surrogateFor(poison, o.surrogateRun, config, data, io);
  if (poison && !POISON_METHODS[poison.method].needsCleanModel && o.surrogateRun) {
    io.stderr(`note: --surrogate-run is ignored by ${poison.method} (only tap and sep use it)\n`);
  }
  io.stderr(
    `train ${config.model} on ${config.dataset}: ${config.trainSize} train / ${config.testSize} test images, ` +
      `${config.epochs} epoch${config.epochs === 1 ? '' : 's'}, batch ${config.batchSize}, lr ${config.lr}, seed ${config.seed}, backend ${report.chosen}\n`,
  );
  if (sal) io.stderr(`SAL after every epoch: ${describeSal(sal)}\n  (${SAL_L0_DEPARTURE})\n`);
  const live = io.stderrIsTTY;
  let stage: StageProgress | null = null;
  let stageLabel = '';
  const salSeconds: number[] = [];
  const t0 = performance.now();
  const result = await runExperiment(
    { config, poison, sal, defence },
    data,
    {
      onProgress: live ? (p) => io.stderr(`\r\x1b[K${progressLine(p)}`) : undefined,
      onEpoch: (m) => io.stderr(`${live ? '\r\x1b[K' : ''}${epochLine(m, config.epochs)}\n`),
      onStage: (kind, detail, fraction) => {
        const label = kind === 'poisoning' ? `poisoning (${poison?.method ?? ''})` : detail;
        if (!stage || label !== stageLabel) {
          stage?.end();
          stage = stageProgress(io, label);
          stageLabel = label;
        }
        stage.update(fraction, kind === 'poisoning' ? detail : '');
      },
      onPoison: (p) => {
        stage?.end();
        stage = null;
        io.stderr(
          `poisoned ${p.poisonedCount}/${data.train.count} training images in ${p.seconds.toFixed(1)} s ` +
            `(${describePoison(p.settings)}); measured after quantisation: L-inf ${p.norms.linfMax.toFixed(4)}, ` +
            `L2 mean ${p.norms.l2Mean.toFixed(3)}\n`,
        );
      },
      onDefence: (d) => {
        stage?.end();
        stage = null;
        io.stderr(
          `defence: ${d.label}${d.seconds > 0 ? ` (${d.seconds.toFixed(1)} s)` : ''}${d.note ? `; note: ${d.note}` : ''}\n`,
        );
      },
      onSal: (row) => {
        stage?.end();
        stage = null;
        salSeconds.push(row.seconds);
        io.stderr(`${salLine(row)}\n`);
      },
    },
    { ...(surrogate ? { surrogate: surrogate.model } : {}), jpeg: nodeJpegCodec },
  );
  const seconds = (performance.now() - t0) / 1000;
  const broke = detectBreakdown(result.metrics, data.train.numClasses);
  if (broke.reason)
    io.stderr(
      `warning: the run ${DID_NOT_TRAIN_LABEL}: ${broke.reason}. This is a breakdown of training, ` +
        `not a poison at work: ${DID_NOT_TRAIN_ADVICE}.\n`,
    );
  const verdict = {
    didNotTrain: broke.didNotTrain,
    ...(broke.reason ? { didNotTrainReason: broke.reason } : {}),
  };
  const poisonRecord: RunPoison | undefined = result.poison
    ? {
        ...result.poison,
        ...(surrogate ? { surrogateRun: surrogate.source } : {}),
      }
    : undefined;
  await writeRunFiles(o.out, result.spec, result.checkpoints, {
    config,
    backend: report.chosen,
    metrics: result.metrics,
    seconds,
    ...(poisonRecord ? { poison: poisonRecord } : {}),
    ...(result.defence ? { defence: result.defence } : {}),
    ...(result.sal ? { sal: result.sal, salSeconds } : {}),
    ...verdict,
  });
  const last = result.metrics[result.metrics.length - 1];
  if (!last) throw new Error('the run finished without a single epoch');
  const n = data.train.count;
  const trainSeconds = result.metrics.reduce((s, m) => s + n / m.examplesPerSec, 0);
  const lastSal = result.sal?.values[result.sal.values.length - 1];
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
    ...(result.poison ? { poison: summaryPoison(result.poison) } : {}),
    ...(result.defence ? { defence: result.defence.label } : {}),
    ...(result.sal && lastSal ? { sal: { layers: result.sal.layers, last: lastSal } } : {}),
    ...verdict,
  };
}
