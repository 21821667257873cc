/**
 * The app's one zustand store, made of typed slices (`slices/`, their interfaces in `types/`).
 * State only: reducers in `reducers/`, pure view data in `derived/`; what starts the page,
 * fetches demos or reads files lives in `app/`. `createAppStore` builds a vanilla store usable
 * in Node tests; `appStore` is the page's instance and `useApp` its React hook.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { createConfigSlice } from './slices/config-slice';
import { createCrossTaskSlice } from './slices/cross-task-slice';
import { createDemoSlice } from './slices/demo-slice';
import { createLabSlice } from './slices/lab-slice';
import { createLandscapeSlice } from './slices/landscape-slice';
import { createShareSlice } from './slices/share-slice';
import { createRunsSlice } from './slices/runs-slice';
import type { All, StoreDeps } from './types';

export type {
  All,
  ConfigSlice,
  Experiment,
  FilterView,
  LabClientLike,
  LabSlice,
  LandscapeSlice,
  RunsSlice,
  StoreDeps,
} from './types';
export type {
  FilterSalState,
  GallerySample,
  LossHistory,
  PoisonSummary,
  RunState,
  RunStatus,
  SalSeries,
} from './reducers/run-state';
export {
  applyFilterMessage,
  applyRunMessage,
  currentEpoch,
  etaSeconds,
  filterKey,
  isActiveFilter,
  isActiveStatus,
  reduceFilter,
  reduceRun,
} from './reducers/run-reducer';
export {
  experimentRuns,
  experimentStatus,
  selectActiveRun,
  selectBusy,
  selectCleanRun,
  selectExperiment,
  selectExperimentRuns,
  selectFocusedRun,
} from './selectors';
export { heatmapBeta, udView, type UdView } from './derived/ud-view';
export { runBreakdown } from './derived/breakdown-view';
export { landscapeKey, isActiveLandscape, type LandscapeJob } from './reducers/landscape-jobs';

/** A vanilla store of the whole app state. */
export type AppStore = StoreApi<All>;

/** Creates a fresh store; pass a fake client, clock or id factory in tests. */
export function createAppStore(deps: StoreDeps = {}): AppStore {
  const now = deps.now ?? (() => Date.now());
  return createStore<All>()((...a) => ({
    ...createConfigSlice(deps)(...a),
    ...createRunsSlice(deps, now)(...a),
    ...createLabSlice(deps, now)(...a),
    ...createLandscapeSlice(deps)(...a),
    ...createShareSlice()(...a),
    ...createDemoSlice()(...a),
    ...createCrossTaskSlice(deps)(...a),
  }));
}

/** The page's store. */
export const appStore: AppStore = createAppStore();

/** React hook on the page's store; select primitives or stored objects (stable references). */
export function useApp<T>(selector: (s: All) => T): T {
  return useStore(appStore, selector);
}
