/**
 * The heavy half of `salscape train` (loaded only once the flags are valid): backend, data,
 * the optional poison and per-epoch SAL (through runExperiment, as the app's worker runs
 * them), training with progress on stderr, and the run's files.
 */
import '../ml/engine/tf-setup';
import type { DefenceSettings } from '../core/defence-types';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { POISON_METHODS, resolvePoisonSettings, type PoisonSettings } from '../core/poison-types';
import { deriveSeed } from '../core/rng';
import { buildTaskData, HEAD_TASK_INFO, type HeadTask, type TaskId } from '../core/tasks';
import type { EpochMetrics, StepProgress } from '../core/run-types';
import { SAL_L0_DEPARTURE, type SalSettings, type SalRow } from '../core/sal-types';
import type { TrainConfig } from '../core/train-config';
import { selectBackendNode } from '../ml/engine/backend';
import { loadDatasetNode } from '../ml/data/load-node';
import { runExperiment } from '../ml/experiment/run-experiment';
import { getPoison } from '../ml/poisons';
import { runTask, taskLr } from '../ml/tasks/task-run';
import { nodeJpegCodec } from '../ml/defences/jpeg-node';
import { selectRunData } from '../ml/train/run-training';
import { UsageError } from './args';
import type { CliIO } from './command';
import { describePoison } from './poison-run';
import { stageProgress, type StageProgress } from './progress';
import { writeRunFiles } from './run-files';
import type { RunPoison } from './run-record';
import { describeSal } from './sal-flags';
import { loadSurrogateRun, trainSurrogate, type LoadedSurrogate } from './surrogate';
import { poisonSummary, type PoisonSummary } from '../core/experiment-types';

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
  poison?: {
    method: string;
    eps: number;
    ratio: number;
    seed: number;
    linfMax: number;
    l2Mean: number;
  };
  /** With --defence: the defence in words, e.g. "JPEG q10". */
  defence?: string;
  /** With --sal: the layers and the last epoch's SAL values. */
  sal?: { layers: string[]; last: number[] };
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
  // SAL runs on the first subsetSize training images; record the number actually used.
  const sal: SalSettings | null = o.sal
    ? { ...o.sal, subsetSize: Math.min(o.sal.subsetSize, data.train.count) }
    : null;
  let surrogate: LoadedSurrogate | undefined;
  if (poison && POISON_METHODS[poison.method].needsCleanModel) {
    surrogate = o.surrogateRun
      ? await loadSurrogateRun(o.surrogateRun, config.dataset, io)
      : await trainSurrogate(config, data, io, `${poison.method} attacks a trained clean model`);
  } else if (poison && o.surrogateRun) {
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
    ...(result.poison
      ? {
          poison: {
            method: result.poison.method,
            eps: result.poison.settings.eps,
            ratio: result.poison.settings.ratio,
            seed: result.poison.settings.seed,
            linfMax: result.poison.norms.linfMax,
            l2Mean: result.poison.norms.l2Mean,
          },
        }
      : {}),
    ...(result.defence ? { defence: result.defence.label } : {}),
    ...(result.sal && lastSal ? { sal: { layers: result.sal.layers, last: lastSal } } : {}),
  };
}

/** The `--json` summary of `train --task` for a task other than digits. */
export interface TaskTrainSummary {
  task: TaskId;
  /** The learning rate used (--lr, or the task's default, see taskLr). */
  lr: number;
  /** Summed training loss of the last epoch (running mean). */
  trainLoss: number;
  epochs: number;
  seconds: number;
  backend: string;
  out: string;
  poison?: TrainSummary['poison'];
  /** With --sal: the trunk layers and, per head, the last epoch's SAL values. */
  sal?: { layers: string[]; last: Partial<Record<HeadTask, number[]>> };
  /** Clean test metric per head under HEAD_TASK_INFO[head].jsonKey, e.g. rotationTestAcc. */
  [metricKey: string]: unknown;
}

/**
 * `train --task T` for T other than digits: the task model (shared trunk, one head or three)
 * trained on the subset (poisoned when asked; targets always from the clean images), evaluated
 * on the clean test subset; writes DIR/task-run.json and returns the summary.
 */
export async function trainTaskRun(o: {
  task: TaskId;
  config: TrainConfig;
  /** Explicit --lr; absent = the task's default (taskLr). */
  lr?: number;
  poison?: PoisonSettings | null;
  sal?: SalSettings | null;
  surrogateRun?: string;
  backend: 'wasm' | 'cpu';
  out: string;
  io: CliIO;
}): Promise<TaskTrainSummary> {
  const { config, io, task } = o;
  const poison = o.poison ?? null;
  const report = await selectBackendNode(o.backend);
  const [train, test] = await Promise.all([
    loadDatasetNode(config.dataset, 'train'),
    loadDatasetNode(config.dataset, 'test'),
  ]);
  if (config.trainSize > train.count)
    throw new UsageError(`--train-size must be at most ${train.count} for ${config.dataset}`);
  if (config.testSize > test.count)
    throw new UsageError(`--test-size must be at most ${test.count} for ${config.dataset}`);
  const data = selectRunData(config, train, test);
  const sal: SalSettings | null = o.sal
    ? { ...o.sal, subsetSize: Math.min(o.sal.subsetSize, data.train.count) }
    : null;
  const lr = o.lr ?? taskLr(config, task);
  const t0 = performance.now();
  let inputs = data.train;
  let poisonRecord: PoisonSummary | null = null;
  if (poison) {
    const settings = resolvePoisonSettings(poison);
    const surrogate = POISON_METHODS[poison.method].needsCleanModel
      ? o.surrogateRun
        ? await loadSurrogateRun(o.surrogateRun, config.dataset, io)
        : await trainSurrogate(config, data, io, `${poison.method} attacks a trained clean model`)
      : undefined;
    const r = await getPoison(settings.method).generate(data.train, settings, {
      ...(surrogate ? { surrogate: surrogate.model } : {}),
    });
    inputs = r.poisoned;
    poisonRecord = poisonSummary(r);
    io.stderr(
      `poisoned ${poisonRecord.poisonedCount}/${data.train.count} training images (${describePoison(r.settings)})\n`,
    );
  }
  io.stderr(
    `train task ${task} (${config.model} trunk) on ${config.dataset}: ${config.trainSize} train / ${config.testSize} test images, ` +
      `${config.epochs} epoch${config.epochs === 1 ? '' : 's'}, batch ${config.batchSize}, lr ${lr}, seed ${config.seed}, backend ${report.chosen}\n`,
  );
  if (sal) io.stderr(`trunk SAL per head after every epoch: ${describeSal(sal)}\n`);
  const r = await runTask({
    task,
    config,
    lr,
    sal,
    train: buildTaskData(inputs, data.train, deriveSeed(config.seed, 'task/train')),
    test: buildTaskData(data.test, data.test, deriveSeed(config.seed, 'task/test')),
    hooks: {
      onEpoch: (m) =>
        io.stderr(
          `epoch ${m.epoch}/${config.epochs}  train loss ${m.trainLoss.toFixed(4)}  test ` +
            Object.entries(m.testScore)
              .map(([h, v]) => `${h} ${(v ?? NaN).toFixed(4)}`)
              .join(', ') +
            `  ${m.seconds.toFixed(1)} s\n`,
        ),
      onSal: (row) =>
        io.stderr(
          `  SAL (${row.head}) after epoch ${row.epoch}: ${row.layers.map((n, i) => `${n} ${(row.values[i] ?? NaN).toFixed(4)}`).join('  ')}\n`,
        ),
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const last = r.metrics[r.metrics.length - 1];
  if (!last) throw new Error('the run finished without a single epoch');
  const { final: _final, checkpoints: _ck, ...record } = r;
  await writeFile(
    path.join(o.out, 'task-run.json'),
    `${JSON.stringify({ version: 1, config, backend: report.chosen, ...record, poison: poisonRecord, createdAt: new Date().toISOString() }, null, 1)}\n`,
  );
  const metrics: Record<string, number> = {};
  for (const h of r.heads) metrics[HEAD_TASK_INFO[h].jsonKey] = last.testScore[h] ?? NaN;
  const lastSal: Partial<Record<HeadTask, number[]>> = {};
  for (const h of r.heads) {
    const v = r.sal[h]?.values;
    if (v && v.length > 0) lastSal[h] = v[v.length - 1]!;
  }
  return {
    task,
    ...metrics,
    lr,
    trainLoss: last.trainLoss,
    epochs: r.metrics.length,
    seconds,
    backend: report.chosen,
    out: o.out,
    ...(poisonRecord
      ? {
          poison: {
            method: poisonRecord.method,
            eps: poisonRecord.settings.eps,
            ratio: poisonRecord.settings.ratio,
            seed: poisonRecord.settings.seed,
            linfMax: poisonRecord.norms.linfMax,
            l2Mean: poisonRecord.norms.l2Mean,
          },
        }
      : {}),
    ...(sal ? { sal: { layers: r.trunkLayers, last: lastSal } } : {}),
  };
}
