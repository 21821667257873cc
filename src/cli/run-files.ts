/**
 * The files of a training run in its --out folder: run.json, model/ (standard TF.js layers
 * model) and checkpoints/. run.json is written last, so its presence marks a complete run.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WeightSnapshot } from '../core/weights';
import type { ModelSpec } from '../core/model-spec';
import { writeCheckpoints } from './checkpoints';
import { writeModelDir } from './model-dir';
import type { RunRecord } from './run-record';

export type { RunRecord } from './run-record';

/** Writes checkpoints/, model/ (the last checkpoint) and run.json into `out`. */
export async function writeRunFiles(
  out: string,
  spec: ModelSpec,
  checkpoints: WeightSnapshot[],
  record: Omit<RunRecord, 'version' | 'createdAt'>,
): Promise<void> {
  const last = checkpoints[checkpoints.length - 1];
  if (!last) throw new Error('the run produced no weights');
  await writeCheckpoints(path.join(out, 'checkpoints'), spec.id, checkpoints);
  await writeModelDir(path.join(out, 'model'), spec, last);
  const full: RunRecord = { version: 1, ...record, createdAt: new Date().toISOString() };
  await writeFile(path.join(out, 'run.json'), `${JSON.stringify(full, null, 2)}\n`);
}
