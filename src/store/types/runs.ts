/** Experiments, their demo marks, the drill-down on screen, and the runs slice. */
import type { DefenceSettings } from '../../core/defence-types';
import type { BackendName } from '../../core/run-types';
import type { SalSettings } from '../../core/sal-types';
import type { TrainConfig } from '../../core/train-config';
import type { RunMessage } from '../../workers/client';
import type { RunState } from '../reducers/run-state';

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
