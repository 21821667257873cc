/** The store's slice interfaces and the dependencies injected into it. */
import type { DefenceSettings } from '../../core/defence-types';
import type { LandscapeSettings, LandscapeView } from '../../core/landscape-types';
import type { PoisonMethodId } from '../../core/poison-types';
import type { BackendName, BackendPreference, BackendReport } from '../../core/run-types';
import type { SalSettings } from '../../core/sal-types';
import type { TrainConfig } from '../../core/train-config';
import type { RunMessage, TrainJob } from '../../workers/client';
import type {
  AdoptCommand,
  CrossTaskCommand,
  FilterSalCommand,
  LandscapeCommand,
  LandscapeKind,
} from '../../workers/protocol';
import type { CrossTaskSlice } from '../slices/cross-task-slice';
import type { LandscapeJob } from '../reducers/landscape-jobs';
import type { PoisonConfig } from '../poison-config';
import type { RunState } from '../reducers/run-state';
import type { ShareSlice } from '../slices/share-slice';
import type { DemoSlice } from '../slices/demo-slice';

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
  adopt?(job: Omit<AdoptCommand, 'type'>): void;
}

/** Dependencies of a store; all optional. */
export interface StoreDeps {
  /** The worker client (or set later with `connectLab`). */
  client?: LabClientLike;
  /** Base URL of the prepared data sets. */
  dataUrl?: string;
  /** Clock in milliseconds (tests pass a fake). */
  now?: () => number;
  /** Run and job id factory (tests pass a deterministic one). */
  newId?: (prefix: string) => string;
  /** Starting configuration (defaults to `defaultTrainConfig()`). */
  config?: TrainConfig;
  /** Starting poison settings (defaults to `defaultPoisonConfig()`). */
  poison?: PoisonConfig;
}

/** The settings being edited and the backend the user asked for. */
export interface ConfigSlice {
  /** May hold invalid values while the user types; validated on start. */
  config: TrainConfig;
  /** Toggled poison methods, their budgets, the shared ratio and seed. */
  poison: PoisonConfig;
  /** SAL after every epoch of every run (default on). */
  salOn: boolean;
  salSettings: SalSettings;
  /** A defence applied to every run of the next experiment (null: none). */
  defence: DefenceSettings | null;
  backendPreference: BackendPreference;
  /** Merges `patch` into the configuration and clears a previous start error. */
  setConfig(patch: Partial<TrainConfig>): void;
  /** Toggles a method on or off (`on` omitted: flips it). */
  toggleMethod(method: PoisonMethodId, on?: boolean): void;
  /** Sets a method's budget in its own norm (NaN while half typed). */
  setMethodEps(method: PoisonMethodId, eps: number): void;
  /** Sets the shared poison ratio (0..1) and / or seed. */
  setPoison(patch: Partial<Pick<PoisonConfig, 'ratio' | 'seed'>>): void;
  setSalOn(on: boolean): void;
  /** Chooses the defence (null: none); its parameters use their defaults unless given. */
  setDefence(defence: DefenceSettings | null): void;
  setSalSettings(patch: Partial<SalSettings>): void;
  /** Restores every default: training, poison and SAL settings. */
  resetConfig(): void;
  /**
   * Stores the preference and re-initialises the worker's backend. Refused (returns false)
   * while a run is active, because the backend cannot change under a training run.
   */
  setBackendPreference(pref: BackendPreference): boolean;
}

/** The clean run plus one poisoned run per toggled method, same TrainConfig and seed. */
export interface Experiment {
  id: string;
  /** 1-based number in start order ("experiment #2"). */
  index: number;
  config: TrainConfig;
  /** SAL settings shared by all its runs (null: SAL was off). */
  sal: SalSettings | null;
  /** The defence every run of it (clean included) trained with; null / absent: none. */
  defence?: DefenceSettings | null;
  cleanRunId: string;
  /** One per toggled method, in method order. */
  poisonedRunIds: string[];
  /** Set when its runs came pretrained from `public/models/` instead of training here. */
  demo?: DemoMark | null;
}

/** Where a pretrained demo experiment came from. */
export interface DemoMark {
  /** The demo's id in `public/models/index.json`. */
  id: string;
  /** When the demo was built (ISO date). */
  createdAt: string;
  /** The backend it was trained on (the CLI's: WASM). */
  backend: BackendName;
}

/** Which drill-down the per-filter grid shows. */
export interface FilterView {
  runId: string;
  layer: string;
  epoch: number;
}

/** All runs and experiments of the session, newest last. */
export interface RunsSlice {
  runs: Readonly<Record<string, RunState>>;
  /** Run ids in start order. */
  runOrder: readonly string[];
  experiments: Readonly<Record<string, Experiment>>;
  experimentOrder: readonly string[];
  /** The experiment the views show. */
  selectedExperimentId: string | null;
  /** The poisoned run compared with the clean run (heatmaps); null when there is none. */
  focusedRunId: string | null;
  /** The per-filter drill-down on screen. */
  filterView: FilterView | null;
  /** Why the last press of Train did not start (null when it did). */
  startError: string | null;
  /**
   * Validates the settings, cancels active runs and drill-downs, and queues the clean run
   * first, then one poisoned run per toggled method (TAP / SEP attack the clean run). The
   * new experiment becomes the selected one; earlier ones are kept. Returns its id, or null
   * with `startError` set.
   */
  startExperiment(): string | null;
  /** Asks the worker to stop every active run of the selected experiment. */
  cancelExperiment(): void;
  /** Asks the worker to stop a run; it turns 'cancelled' when the worker confirms. */
  cancelRun(id: string): void;
  /** Applies a worker message (pure reducer); unknown or finished runs are ignored. */
  applyMessage(msg: RunMessage): void;
  selectExperiment(id: string): void;
  /** Chooses the poisoned run compared with the clean run. */
  focusRun(id: string): void;
  /**
   * Shows the per-filter SAL of `layer` after `epoch` of a run, asking the worker for it
   * unless it is already there or on its way. Returns false (and says why) when impossible.
   */
  openFilterSal(runId: string, layer: string, epoch: number): boolean;
  closeFilterSal(): void;
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

/** Landscape settings (shared by every surface of the selected experiment) and the tab shown. */
export interface LandscapeSlice {
  landscapeSettings: LandscapeSettings;
  landscapeView: LandscapeView;
  /** Heights and colours on a log scale. */
  landscapeLogScale: boolean;
  setLandscapeSettings(patch: Partial<LandscapeSettings>): void;
  setLandscapeView(view: LandscapeView): void;
  setLandscapeLogScale(on: boolean): void;
  /** Landscape jobs by `landscapeKey`. */
  landscapes: Readonly<Record<string, LandscapeJob>>;
  /**
   * Asks the worker for a landscape of a finished run with the current settings, unless it is
   * there or on its way. Returns its key (a failed job says why).
   */
  requestLandscape(kind: LandscapeKind, sourceRunId: string, targetRunId?: string | null): string;
  /** Stops every landscape job still running or queued. */
  cancelLandscapes(): void;
}

/** The whole store. */
export type All = ConfigSlice &
  RunsSlice &
  LabSlice &
  LandscapeSlice &
  ShareSlice &
  DemoSlice &
  CrossTaskSlice;
