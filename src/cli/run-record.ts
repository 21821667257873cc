/**
 * `run.json`, the record of one training run: its type and a reader that checks the parts the
 * CLI relies on (config, SAL record) with messages naming the file. No TensorFlow.js here, so
 * `salscape ud` starts fast.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PoisonSummary } from '../core/experiment-types';
import type { EpochMetrics } from '../core/run-types';
import { SalRecordSchema, type SalRecord } from '../core/sal-types';
import type { DefenceSummary } from '../core/experiment-types';
import { DATASET_CLASSES, TrainConfigSchema, type TrainConfig } from '../core/train-config';
import { detectBreakdown, type BreakdownVerdict } from '../core/breakdown';

/** The `poison` field of run.json: what was done to the training set before training. */
export interface RunPoison extends PoisonSummary {
  /**
   * TAP / SEP: the clean model attacked: the absolute path of the --surrogate-run folder, or
   * "in-process" when the clean run of the same config was trained first.
   */
  surrogateRun?: string;
}

/** Contents of `run.json`. */
export interface RunRecord {
  version: 1;
  config: TrainConfig;
  /** The TF.js backend that ran the training. */
  backend: string;
  metrics: EpochMetrics[];
  /**
   * Wall-clock seconds of the run: training and per-epoch evaluation, plus poisoning and SAL
   * when they were asked for.
   */
  seconds: number;
  /** ISO 8601 time the run finished. */
  createdAt: string;
  /** Present when the run trained on a poisoned training set (`--poison`). */
  poison?: RunPoison;
  /** Present with `--defence`: the defence the training used (after the poison). */
  defence?: DefenceSummary;
  /** Present with `--sal`: SAL of every weight layer after every epoch. */
  sal?: SalRecord;
  /** With `--sal`: seconds SAL took after each epoch. */
  salSeconds?: number[];
  /**
   * The breakdown detector's verdict on `metrics` when the run was written (core/breakdown.ts);
   * absent in older files. Readers judge `metrics` again with {@link recordBreakdown}.
   */
  didNotTrain?: boolean;
  /** Why, when `didNotTrain`. */
  didNotTrainReason?: string;
}

/** The breakdown detector on a run record's metrics (the one rule, for old files too). */
export function recordBreakdown(rec: Pick<RunRecord, 'metrics' | 'config'>): BreakdownVerdict {
  return detectBreakdown(rec.metrics, DATASET_CLASSES[rec.config.dataset]);
}

/**
 * Reads `<dir>/run.json` and checks its config and (if present) SAL record; `what` names the
 * argument in messages (e.g. "CLEAN_RUN_DIR"). Throws an Error saying what is wrong.
 */
export async function readRunRecord(dir: string, what: string): Promise<RunRecord> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new Error(`${what} ${dir} does not exist`);
  if (!info.isDirectory()) throw new Error(`${what} ${dir} is not a folder`);
  const file = path.join(dir, 'run.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      throw new Error(`${what} ${dir} has no run.json (not a finished run of salscape train)`);
    }
    throw new Error(`${file}: ${err.message}`);
  }
  if (!json || typeof json !== 'object') throw new Error(`${file}: not a JSON object`);
  const rec = json as Partial<RunRecord> & Record<string, unknown>;
  if (rec.version !== 1) throw new Error(`${file}: unknown version ${String(rec.version)}`);
  // Every reader judges whether the run trained from these (recordBreakdown).
  if (!Array.isArray(rec.metrics)) throw new Error(`${file}: metrics: expected a list of epochs`);
  const config = TrainConfigSchema.safeParse(rec.config);
  if (!config.success) {
    const issue = config.error.issues[0];
    throw new Error(`${file}: config.${issue?.path.join('.')}: ${issue?.message}`);
  }
  if (rec.sal !== undefined) {
    const sal = SalRecordSchema.safeParse(rec.sal);
    if (!sal.success) {
      const issue = sal.error.issues[0];
      throw new Error(`${file}: sal.${issue?.path.join('.')}: ${issue?.message}`);
    }
  }
  return rec as RunRecord;
}
