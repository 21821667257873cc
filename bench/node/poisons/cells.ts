/**
 * bench:poisons, step 2: its results file. Every finished (data set, poison, budget, model)
 * cell is saved at once, and a rerun with the same settings reuses the saved cells.
 */
import path from 'node:path';
import type { DatasetId } from '../../../src/core/dataset';
import type { DefenceId } from '../../../src/core/defence-types';
import type { PoisonMethodId } from '../../../src/core/poison-types';
import type { ModelName, TrainConfig } from '../../../src/core/train-config';
import { detectBreakdown } from '../../../src/core/breakdown';
import type { EpochMetrics } from '../../../src/core/run-types';
import { log, machineLine, readSaved, writeResults } from '../results-file';

/** One trained model on one (poisoned) set. */
export interface ModelResult {
  testAcc: number;
  trainAcc: number;
  seconds: number;
  /** Final training loss; absent in files saved before the breakdown detector. */
  trainLoss?: number;
  /** core/breakdown.ts on the run's epochs; absent in files saved before it (shown as "?"). */
  didNotTrain?: boolean;
  didNotTrainReason?: string;
}

/** A ModelResult from a finished run's epochs, judged by the one breakdown detector. */
export function modelResult(
  metrics: readonly EpochMetrics[],
  numClasses: number,
  seconds: number,
): ModelResult {
  const last = metrics[metrics.length - 1];
  if (!last) throw new Error('a run without a single epoch');
  const v = detectBreakdown(metrics, numClasses);
  return {
    testAcc: last.testAcc,
    trainAcc: last.trainAcc,
    trainLoss: last.trainLoss,
    seconds,
    didNotTrain: v.didNotTrain,
    ...(v.reason ? { didNotTrainReason: v.reason } : {}),
  };
}

/** The table mark of a result: "\u2020" did not train, "?" not judged (an old file), else "". */
export function breakdownMark(r: ModelResult | undefined): string {
  if (!r) return '';
  return r.didNotTrain === undefined ? '?' : r.didNotTrain ? '\u2020' : '';
}

/** One (data set, poison, budget): the poison's measured figures and each model's accuracy. */
export interface Cell {
  dataset: DatasetId;
  method: PoisonMethodId | 'clean';
  /** 'default' (the method's default for the data set), '8/255', or '-' for clean. */
  budget: string;
  eps: number | null;
  norm: string;
  genSeconds: number;
  linfMax: number;
  l2Mean: number;
  l0Mean: number;
  /** EM / REM: why and when the min-min loop stopped. */
  stop?: string;
  /** The defence trained under (its default settings), absent for undefended cells. */
  defence?: DefenceId;
  models: Partial<Record<ModelName, ModelResult>>;
}

export type PoisonSettingsRecord = Omit<TrainConfig, 'dataset' | 'model'> & { backend: string };

interface ResultsFile {
  bench: 'poisons';
  settings: PoisonSettingsRecord;
  updatedAt: string;
  machine: string;
  cells: Cell[];
}

/** The cells of this run (saved ones included), how to save them and how to find one. */
export interface Cells {
  all: Cell[];
  save(): void;
  /** A saved cell counts only for the same budget value (a changed default is measured anew). */
  find(
    dataset: DatasetId,
    method: Cell['method'],
    budget: string,
    eps: number | null,
    defence?: DefenceId,
  ): Cell | undefined;
}

/** Opens `outFile`: its cells when saved with the same `settings` (unless `fresh`), else none. */
export function openCells(
  root: string,
  outFile: string,
  settings: PoisonSettingsRecord,
  fresh: boolean,
): Cells {
  let cells: Cell[] = [];
  const old = fresh ? null : readSaved<ResultsFile>(root, outFile, settings, true);
  if (old) {
    cells = old.cells;
    log(
      `resuming: ${cells.length} saved cells in ${path.relative(root, outFile)} (--fresh starts over)`,
    );
  }
  return {
    all: cells,
    save: () =>
      writeResults(outFile, {
        bench: 'poisons',
        settings,
        updatedAt: new Date().toISOString(),
        machine: machineLine(),
        cells,
      } satisfies ResultsFile),
    find: (dataset, method, budget, eps, defence) =>
      cells.find(
        (c) =>
          c.dataset === dataset &&
          c.defence === defence &&
          c.method === method &&
          c.budget === budget &&
          (c.eps === eps || (c.eps !== null && eps !== null && Math.abs(c.eps - eps) < 1e-12)),
      ),
  };
}
