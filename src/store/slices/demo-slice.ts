/**
 * The demo slice: whether a pretrained demo is being fetched (and why it failed), the finished
 * runs the worker should adopt, and "Train live", which retrains a demo's settings here.
 */
import type { StateCreator } from 'zustand';
import { methodEps } from '../poison-config';
import type { AdoptJob } from '../../app/demos/demo-load';
import type { All } from '../types';

export interface DemoSlice {
  /** 'loading' while the index or a demo file is on its way; 'failed' with `demoMessage`. */
  demoStatus: 'idle' | 'loading' | 'failed';
  /** What the demo banner says about fetching (null: nothing). */
  demoMessage: string | null;
  /** Finished runs the worker did not train, by run id, for it to adopt. */
  adoptable: Readonly<Record<string, AdoptJob>>;
  setDemoStatus(status: DemoSlice['demoStatus'], message: string | null): void;
  /**
   * Puts the selected experiment's settings back into the form and trains them in the
   * browser (a new experiment next to the demo). Returns its id, or null (see `startError`).
   */
  trainLive(): string | null;
}

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
