/**
 * `salscape train --task T` for T other than digits (loaded only once the flags are valid): the
 * task model (shared trunk, one head or three) on the subset, poisoned when asked, with trunk
 * SAL per head when asked; progress on stderr and DIR/task-run.json. The digit classifier
 * trains in train-run.ts; what both do first is in train-setup.ts.
 */
import '../ml/engine/tf-setup';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolvePoisonSettings, type PoisonSettings } from '../core/poison-types';
import { deriveSeed } from '../core/rng';
import { buildTaskData, HEAD_TASK_INFO, type HeadTask, type TaskId } from '../core/tasks';
import type { SalSettings } from '../core/sal-types';
import type { TrainConfig } from '../core/train-config';
import { selectBackendNode } from '../ml/engine/backend';
import { poisonSummary, type PoisonSummary } from '../core/experiment-types';
import { getPoison } from '../ml/poisons';
import { runTask, taskLr } from '../ml/tasks/task-run';
import type { CliIO } from './command';
import { describePoison } from './poison-run';
import { describeSal } from './sal-flags';
import {
  loadRunData,
  salForData,
  summaryPoison,
  surrogateFor,
  type SummaryPoison,
} from './train-setup';

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
  poison?: SummaryPoison;
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
  const data = await loadRunData(config, false);
  const sal = salForData(o.sal, data);
  const lr = o.lr ?? taskLr(config, task);
  const t0 = performance.now();
  let inputs = data.train;
  let poisonRecord: PoisonSummary | null = null;
  if (poison) {
    const settings = resolvePoisonSettings(poison);
    const surrogate = await surrogateFor(poison, o.surrogateRun, config, data, io);
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
    ...(poisonRecord ? { poison: summaryPoison(poisonRecord) } : {}),
    ...(sal ? { sal: { layers: r.trunkLayers, last: lastSal } } : {}),
  };
}
