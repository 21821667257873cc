/**
 * bench:sal, step 2: its results file (the timing rows and the UD runs). Each finished UD run
 * is saved at once, and a rerun with the same settings reuses the saved ones.
 */
import path from 'node:path';
import type { PoisonMethodId } from '../../../src/core/poison-types';
import type { SalRecord, SalSettings } from '../../../src/core/sal-types';
import type { ModelName } from '../../../src/core/train-config';
import { log, machineLine, readSaved, writeResults } from '../results-file';

/** One timing measurement. */
export interface TimingRow {
  model: ModelName;
  label: string;
  settings: SalSettings;
  seconds: number;
  trainSecondsPerEpoch: number;
  sal: number[];
}

/** One run with SAL after every epoch. */
export interface UdRun {
  model: ModelName;
  seed: number;
  method: PoisonMethodId | 'clean';
  eps: number | null;
  testAcc: number;
  /** Final training accuracy and loss; absent in files saved before the breakdown detector. */
  trainAcc?: number;
  trainLoss?: number;
  /** core/breakdown.ts on the run's epochs (absent in older files: not judged). */
  didNotTrain?: boolean;
  didNotTrainReason?: string;
  sal: SalRecord;
  /** Mean seconds of SAL after an epoch. */
  salSeconds: number;
  genSeconds: number;
}

interface ResultsFile {
  bench: 'sal';
  settings: Record<string, unknown>;
  updatedAt: string;
  machine: string;
  timing: TimingRow[];
  runs: UdRun[];
}

/** This run's rows (saved ones included) and how to save them. */
export interface SalResults {
  timing: TimingRow[];
  runs: UdRun[];
  save(): void;
}

/** Opens `outFile`: its rows when saved with the same `settings` (unless `fresh`), else none. */
export function openSalResults(
  root: string,
  outFile: string,
  settings: Record<string, unknown>,
  fresh: boolean,
): SalResults {
  const saved = fresh ? null : readSaved<ResultsFile>(root, outFile, settings, false);
  if (saved)
    log(
      `resuming: ${saved.runs.length} saved runs in ${path.relative(root, outFile)} (--fresh starts over)`,
    );
  const timing: TimingRow[] = saved?.timing ?? [];
  const runs: UdRun[] = saved?.runs ?? [];
  return {
    timing,
    runs,
    save: () =>
      writeResults(outFile, {
        bench: 'sal',
        settings,
        updatedAt: new Date().toISOString(),
        machine: machineLine(),
        timing,
        runs,
      } satisfies ResultsFile),
  };
}
