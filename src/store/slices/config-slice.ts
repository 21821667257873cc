/** The config slice: training settings, poison and SAL settings, and the backend preference. */
import type { StateCreator } from 'zustand';
import { defaultTrainConfig } from '../../core/train-config';
import { defaultPoisonConfig, defaultSalSettings, sortMethods } from '../poison-config';
import { isActiveStatus } from '../reducers/run-state';
import type { All, ConfigSlice, StoreDeps } from '../types';

/** Creates the config slice. */
export const createConfigSlice =
  (deps: StoreDeps): StateCreator<All, [], [], ConfigSlice> =>
  (set, get) => ({
    config: deps.config ? { ...deps.config } : defaultTrainConfig(),
    poison: deps.poison
      ? { ...deps.poison, methods: sortMethods(deps.poison.methods) }
      : defaultPoisonConfig(),
    salOn: true,
    salSettings: defaultSalSettings(),
    defence: null,
    backendPreference: 'auto',
    setConfig: (patch) => set((s) => ({ config: { ...s.config, ...patch }, startError: null })),
    toggleMethod: (method, on) =>
      set((s) => {
        const has = s.poison.methods.includes(method);
        const want = on ?? !has;
        if (want === has) return {};
        const methods = want
          ? sortMethods([...s.poison.methods, method])
          : s.poison.methods.filter((m) => m !== method);
        return { poison: { ...s.poison, methods }, startError: null };
      }),
    setMethodEps: (method, eps) =>
      set((s) => ({
        poison: { ...s.poison, eps: { ...s.poison.eps, [method]: eps } },
        startError: null,
      })),
    setPoison: (patch) => set((s) => ({ poison: { ...s.poison, ...patch }, startError: null })),
    setSalOn: (on) => set({ salOn: on, startError: null }),
    setDefence: (defence) => set({ defence: defence ? { ...defence } : null, startError: null }),
    setSalSettings: (patch) =>
      set((s) => ({ salSettings: { ...s.salSettings, ...patch }, startError: null })),
    resetConfig: () =>
      set({
        config: defaultTrainConfig(),
        poison: defaultPoisonConfig(),
        salOn: true,
        salSettings: defaultSalSettings(),
        defence: null,
        startError: null,
      }),
    setBackendPreference: (pref) => {
      const s = get();
      if (Object.values(s.runs).some((r) => isActiveStatus(r.status))) return false;
      set({ backendPreference: pref });
      get().initBackend();
      return true;
    },
  });
