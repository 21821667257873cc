/** The store's slice interfaces and the dependencies injected into it. */
import type { BackendPreference, BackendReport } from '../core/run-types';
import type { TrainConfig } from '../core/train-config';
import type { RunMessage } from '../workers/client';
import type { RunState } from './run-reducer';

/** What the store needs of the worker client; `LabClient` fits, tests pass a fake. */
export interface LabClientLike {
  init(backend: BackendPreference, dataUrl: string): void;
  train(config: TrainConfig, onMessage: (msg: RunMessage) => void, runId?: string): string;
  cancel(runId: string): void;
}

/** Dependencies of a store; all optional. */
export interface StoreDeps {
  /** The worker client (or set later with `connectLab`). */
  client?: LabClientLike;
  /** Base URL of the prepared data sets. */
  dataUrl?: string;
  /** Clock in milliseconds (tests pass a fake). */
  now?: () => number;
  /** Run id factory (tests pass a deterministic one). */
  newId?: () => string;
  /** Starting configuration (defaults to `defaultTrainConfig()`). */
  config?: TrainConfig;
}

/** The configuration being edited and the backend the user asked for. */
export interface ConfigSlice {
  /** May hold invalid values while the user types; validated on start. */
  config: TrainConfig;
  backendPreference: BackendPreference;
  /** Merges `patch` into the configuration and clears a previous start error. */
  setConfig(patch: Partial<TrainConfig>): void;
  resetConfig(): void;
  /**
   * Stores the preference and re-initialises the worker's backend. Refused (returns false)
   * while a run is active, because the backend cannot change under a training run.
   */
  setBackendPreference(pref: BackendPreference): boolean;
}

/** All runs of the session, newest last; the selected one is shown in detail. */
export interface RunsSlice {
  runs: Readonly<Record<string, RunState>>;
  /** Run ids in start order. */
  runOrder: readonly string[];
  selectedRunId: string | null;
  /** Why the last press of Train did not start a run (null when it did). */
  startError: string | null;
  /**
   * Validates the configuration and starts a run with the client; the new run becomes the
   * selected one and earlier runs are kept (an active one is cancelled: one run at a time).
   * Returns the run id, or null with `startError` set.
   */
  startRun(): string | null;
  /** Asks the worker to stop a run; it turns 'cancelled' when the worker confirms. */
  cancelRun(id: string): void;
  /** Applies a worker message (pure reducer); unknown or finished runs are ignored. */
  applyMessage(msg: RunMessage): void;
  selectRun(id: string): void;
}

/** The worker connection, the backend it runs and errors not tied to a run. */
export interface LabSlice {
  client: LabClientLike | null;
  dataUrl: string;
  backend: BackendReport | null;
  backendStatus: 'idle' | 'starting' | 'ready' | 'failed';
  /** Messages of worker errors that belong to no run, oldest first. */
  workerErrors: readonly string[];
  /** Attaches a client and starts its backend with the current preference. */
  connectLab(client: LabClientLike, dataUrl: string): void;
  disconnectLab(): void;
  /** (Re)starts the worker's backend with the current preference. */
  initBackend(): void;
  backendReady(report: BackendReport): void;
  /** Records a worker error; a crashed worker fails the active runs. */
  workerError(message: string): void;
  dismissWorkerErrors(): void;
}

/** The whole store. */
export type All = ConfigSlice & RunsSlice & LabSlice;
