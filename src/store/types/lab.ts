/** The worker connection's slice and what the store needs of the worker client. */
import type { BackendPreference, BackendReport } from '../../core/run-types';
import type { AdoptJob, RunMessage, TrainJob } from '../../workers/client';
import type { CrossTaskCommand, FilterSalCommand, LandscapeCommand } from '../../workers/protocol';

/** What the store needs of the worker client; `LabClient` fits, tests pass a fake. */
export interface LabClientLike {
  init(backend: BackendPreference, dataUrl: string): void;
  train(job: TrainJob, onMessage: (msg: RunMessage) => void, runId?: string): string;
  filterSal(
    job: Omit<FilterSalCommand, 'type' | 'runId'>,
    onMessage: (msg: RunMessage) => void,
    runId?: string,
  ): string;
  landscape(
    job: Omit<LandscapeCommand, 'type' | 'runId'>,
    onMessage: (msg: RunMessage) => void,
    runId?: string,
  ): string;
  /** Optional: clients without it cannot run the cross-task view. */
  crossTask?(
    job: Omit<CrossTaskCommand, 'type' | 'runId'>,
    onMessage: (msg: RunMessage) => void,
    runId?: string,
  ): string;
  cancel(runId: string): void;
  /** Hands the worker a finished run it did not train (demo or restored); optional for fakes. */
  adopt?(job: AdoptJob): void;
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
