/** Plain records of a training run, shared by ml/, the worker protocol, the store and the UI. */

/** Metrics after one epoch. Losses are mean cross-entropy, accuracies fractions in [0, 1]. */
export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  testLoss: number;
  testAcc: number;
  /** Wall-clock seconds for the epoch, evaluation included. */
  seconds: number;
  /** Training examples per second over the epoch's SGD steps. */
  examplesPerSec: number;
}

/** A progress report inside an epoch (running means over the epoch so far). */
export interface EpochProgress {
  epoch: number;
  step: number;
  steps: number;
  loss: number;
  examplesPerSec: number;
}

/** A classifier's progress report: with the running training accuracy. */
export interface StepProgress extends EpochProgress {
  acc: number;
}

/** TF.js backends, in the order the app prefers them when each runs on real hardware. */
export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
/** What the user asked for: a fixed backend or the automatic choice. */
export type BackendPreference = 'auto' | BackendName;

/** One backend's calibration: ms per training step (cnn-s, batch 32) and per eval batch (256). */
export interface CalibrationFigure {
  backend: BackendName;
  trainMsPerStep: number | null;
  evalMsPerBatch: number | null;
  note: string;
}

/** Why each backend was or was not used; shown in the backend badge. */
export interface BackendReport {
  chosen: BackendName;
  preference: BackendPreference;
  /** The measured figures behind an automatic choice, and the fastest backend per purpose. */
  calibration?: { train: BackendName; eval: BackendName; figures: CalibrationFigure[]; ms: number };
  notes: {
    backend: BackendName;
    status: 'chosen' | 'skipped' | 'unavailable' | 'failed';
    why: string;
  }[];
}
