/** The config slice: the TrainConfig being edited and the backend preference. */
import type { StateCreator } from 'zustand';
import { defaultTrainConfig } from '../core/train-config';
import { isActiveStatus } from './run-reducer';
import type { All, ConfigSlice, StoreDeps } from './types';

/** Creates the config slice. */
export const createConfigSlice =
  (deps: StoreDeps): StateCreator<All, [], [], ConfigSlice> =>
  (set, get) => ({
    config: deps.config ? { ...deps.config } : defaultTrainConfig(),
    backendPreference: 'auto',
    setConfig: (patch) => set((s) => ({ config: { ...s.config, ...patch }, startError: null })),
    resetConfig: () => set({ config: defaultTrainConfig(), startError: null }),
    setBackendPreference: (pref) => {
      const s = get();
      if (Object.values(s.runs).some((r) => isActiveStatus(r.status))) return false;
      set({ backendPreference: pref });
      get().initBackend();
      return true;
    },
  });
