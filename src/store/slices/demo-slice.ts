/**
 * The demo slice: whether a pretrained demo is being fetched (and why it failed), the finished
 * runs the worker should adopt, and "Train live", which retrains a demo's settings here.
 */
import type { StateCreator } from 'zustand';
import { methodEps } from '../poison-config';
import type { All, DemoSlice } from '../types';

/** Creates the demo slice. */
export const createDemoSlice = (): StateCreator<All, [], [], DemoSlice> => (set, get) => ({
  demoStatus: 'idle',
  demoMessage: null,
  adoptable: {},
  setDemoStatus: (demoStatus, demoMessage) => set({ demoStatus, demoMessage }),
  trainLive: () => {
    const s = get();
    const e = s.selectedExperimentId ? s.experiments[s.selectedExperimentId] : undefined;
    if (!e) return s.startExperiment();
    const poisoned = e.poisonedRunIds.map((id) => s.runs[id]?.poisonSettings ?? null);
    const first = poisoned.find((p) => p !== null) ?? null;
    s.setConfig(e.config);
    s.setSalOn(e.sal !== null);
    if (e.sal) s.setSalSettings(e.sal);
    s.setDefence(e.defence ?? null);
    const eps = { ...s.poison.eps };
    for (const p of poisoned)
      if (p && methodEps(s.poison, p.method, e.config.dataset) !== p.eps) eps[p.method] = p.eps;
    set((st) => ({
      poison: {
        ...st.poison,
        methods: poisoned.flatMap((p) => (p ? [p.method] : [])),
        eps,
        ...(first ? { ratio: first.ratio, seed: first.seed } : {}),
      },
    }));
    return get().startExperiment();
  },
});
