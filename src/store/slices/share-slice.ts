/**
 * The share slice: notices about dropped link fields and unavailable storage, the lesson a
 * link opened, experiment names, and in-store rename / delete (the persister mirrors them).
 */
import type { StateCreator } from 'zustand';
import { isActiveStatus } from '../reducers/run-state';
import type { All, ShareSlice } from '../types';

/** Creates the share slice. */
export const createShareSlice = (): StateCreator<All, [], [], ShareSlice> => (set, get) => ({
  shareNotices: [],
  persistNotice: null,
  lesson: null,
  experimentNames: {},
  interruptedExperiments: {},
  addShareNotices: (notices) =>
    set((s) => (notices.length ? { shareNotices: [...s.shareNotices, ...notices] } : {})),
  dismissShareNotices: () => set({ shareNotices: [] }),
  setPersistNotice: (notice) => set({ persistNotice: notice }),
  setLesson: (lesson) => set({ lesson: lesson ? { ...lesson } : null }),
  renameExperiment: (id, name) =>
    set((s) => {
      if (!s.experiments[id]) return {};
      const names = { ...s.experimentNames };
      const trimmed = name.trim().slice(0, 80);
      if (trimmed) names[id] = trimmed;
      else delete names[id];
      return { experimentNames: names };
    }),
  deleteExperiment: (id) => {
    const s = get();
    const exp = s.experiments[id];
    if (!exp) return;
    const runIds = [exp.cleanRunId, ...exp.poisonedRunIds];
    for (const r of runIds) if (s.runs[r] && isActiveStatus(s.runs[r].status)) s.cancelRun(r);
    set((st) => {
      const runs = { ...st.runs };
      for (const r of runIds) delete runs[r];
      const experiments = { ...st.experiments };
      delete experiments[id];
      const experimentNames = { ...st.experimentNames };
      delete experimentNames[id];
      const interruptedExperiments = { ...st.interruptedExperiments };
      delete interruptedExperiments[id];
      const experimentOrder = st.experimentOrder.filter((e) => e !== id);
      const selected =
        st.selectedExperimentId === id
          ? (experimentOrder[experimentOrder.length - 1] ?? null)
          : st.selectedExperimentId;
      const selExp = selected ? experiments[selected] : undefined;
      return {
        runs,
        runOrder: st.runOrder.filter((r) => !runIds.includes(r)),
        experiments,
        experimentOrder,
        experimentNames,
        interruptedExperiments,
        selectedExperimentId: selected,
        focusedRunId:
          st.selectedExperimentId === id ? (selExp?.poisonedRunIds[0] ?? null) : st.focusedRunId,
        filterView: st.filterView && runIds.includes(st.filterView.runId) ? null : st.filterView,
      };
    });
  },
});
