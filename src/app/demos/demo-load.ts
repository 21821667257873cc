/**
 * Puts a pretrained demo into a store: an experiment of the demo's clean run plus the toggled
 * methods' runs (already done), its landscapes under the keys the landscape panel asks for, and
 * the runs' checkpoints queued for the worker to adopt. Pure store code; tested in Node.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { PoisonMethodId } from '../../core/poison-types';
import type { AdoptJob } from '../../workers/client';
import type { DemoFile, DemoRunKey } from './demo-file';
import { landscapeKey, type LandscapeJob } from '../../store/reducers/landscape-jobs';
import { addSavedExperiments, type SavedExperiment } from '../share/saved-experiment';
import type { All, Experiment } from '../../store/types';

/**
 * The experiment id of a demo with these methods: fixed, so loading it twice (or after a
 * reload that restored it from IndexedDB) never makes a second copy.
 */
export function demoExperimentId(demoId: string, methods: readonly PoisonMethodId[]): string {
  return `demo-${demoId}-${methods.length ? methods.join('+') : 'clean'}`;
}

/** The run id of a demo run inside its experiment. */
export const demoRunId = (experimentId: string, key: DemoRunKey): string =>
  `${experimentId}/${key}`;

/** The saved-experiment record of a demo with the given methods (which it must hold). */
export function demoExperiment(
  file: DemoFile,
  methods: readonly PoisonMethodId[],
  at: { experimentIndex: number; firstRunIndex: number; now: number },
): SavedExperiment {
  const id = demoExperimentId(file.id, methods);
  const keys: DemoRunKey[] = ['clean', ...methods];
  const runs = keys.map((key, k) => {
    const r = file.runs.find((x) => x.key === key);
    if (!r) throw new Error(`the demo ${file.id} has no ${key} run`);
    return {
      ...r.run,
      id: demoRunId(id, key),
      index: at.firstRunIndex + k,
      experimentId: id,
      startedAt: at.now,
    };
  });
  const experiment: Experiment = {
    id,
    index: at.experimentIndex,
    config: { ...file.settings.config },
    sal: file.settings.sal,
    defence: file.settings.defence,
    cleanRunId: runs[0]!.id,
    poisonedRunIds: runs.slice(1).map((r) => r.id),
    demo: { id: file.id, createdAt: file.createdAt, backend: file.backend },
  };
  return { id, name: null, savedAt: at.now, interrupted: false, experiment, runs };
}

/** The demo's landscapes between runs of the experiment, keyed as the panel asks for them. */
export function demoLandscapes(
  file: DemoFile,
  experiment: Experiment,
): Record<string, LandscapeJob> {
  const have = new Set<DemoRunKey>(['clean']);
  for (const id of experiment.poisonedRunIds)
    have.add(id.slice(experiment.id.length + 1) as DemoRunKey);
  const out: Record<string, LandscapeJob> = {};
  for (const l of file.landscapes) {
    if (!have.has(l.source) || (l.target && !have.has(l.target))) continue;
    const source = demoRunId(experiment.id, l.source);
    const target = l.target ? demoRunId(experiment.id, l.target) : null;
    const key = landscapeKey(l.kind, source, target, l.settings);
    out[key] = {
      jobId: `demo:${key}`,
      kind: l.kind,
      sourceRunId: source,
      targetRunId: target,
      settings: { ...l.settings },
      status: 'done',
      detail: 'pretrained demo',
      fraction: 1,
      result: l.result,
      centre: l.centre,
      error: null,
    };
  }
  return out;
}

/** What the worker needs to adopt each run of the experiment (clean first: TAP / SEP need it). */
export function demoAdoptJobs(file: DemoFile, experiment: Experiment): AdoptJob[] {
  return [experiment.cleanRunId, ...experiment.poisonedRunIds].map((runId) => {
    const key = runId.slice(experiment.id.length + 1) as DemoRunKey;
    const r = file.runs.find((x) => x.key === key)!;
    const method = r.run.method;
    return {
      runId,
      config: { ...r.run.config },
      poison: r.run.poisonSettings,
      defence: file.settings.defence,
      surrogateRunId: method === 'tap' || method === 'sep' ? experiment.cleanRunId : null,
      checkpoints: r.checkpoints,
    };
  });
}

/**
 * Loads a demo with `methods` into the store and selects it (unless `select` is false). An
 * experiment of the same id already there (restored from IndexedDB) is kept as it is and only
 * gets the landscapes and checkpoints. Returns the experiment id.
 */
export function loadDemo(
  store: StoreApi<All>,
  file: DemoFile,
  methods: readonly PoisonMethodId[],
  opts: { now: number; select?: boolean },
): string {
  const s = store.getState();
  const id = demoExperimentId(file.id, methods);
  if (!s.experiments[id]) {
    const saved = demoExperiment(file, methods, {
      experimentIndex: s.experimentOrder.length + 1,
      firstRunIndex: s.runOrder.length + 1,
      now: opts.now,
    });
    addSavedExperiments(store, [saved], 'last');
  }
  const experiment = store.getState().experiments[id]!;
  const jobs = demoAdoptJobs(file, experiment);
  store.setState((st) => ({
    landscapes: { ...st.landscapes, ...demoLandscapes(file, experiment) },
    adoptable: { ...st.adoptable, ...Object.fromEntries(jobs.map((j) => [j.runId, j])) },
  }));
  if (opts.select !== false) store.getState().selectExperiment(id);
  return id;
}
