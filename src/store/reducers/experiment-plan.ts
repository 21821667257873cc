/**
 * Turns the settings into an experiment: the clean run first, then one poisoned run per
 * toggled method, all with the same TrainConfig and seed. Pure, so the queue order and the
 * surrogate links are tested without a worker.
 */
import { DEFENCES, DefenceSettingsSchema } from '../../core/defence-types';
import type { BackendName } from '../../core/run-types';
import { TrainConfigSchema } from '../../core/train-config';
import type { TrainJob } from '../../workers/client';
import { firstConfigError } from '../config-fields';
import { poisonConfigError, poisonSettingsFor, salConfigError } from '../poison-config';
import { createRun, type RunState } from './run-state';
import type { ConfigSlice, Experiment } from '../types';

/** A planned experiment: its record, its runs and the jobs to send, in queue order. */
export interface ExperimentPlan {
  experiment: Experiment;
  runs: RunState[];
  jobs: { runId: string; job: TrainJob }[];
}

/** Everything a plan reads. */
export interface PlanInput {
  settings: Pick<ConfigSlice, 'config' | 'poison' | 'salOn' | 'salSettings'> &
    Partial<Pick<ConfigSlice, 'defence'>>;
  experimentId: string;
  experimentIndex: number;
  /** Index of the first run ("run #n"). */
  firstRunIndex: number;
  newRunId: () => string;
  backend: BackendName | null;
  now: number;
}

/** Plans an experiment, or returns the first invalid setting in words ("Cannot start: …"). */
export function planExperiment(input: PlanInput): ExperimentPlan | { error: string } {
  const { settings: s } = input;
  const parsed = TrainConfigSchema.safeParse(s.config);
  if (!parsed.success)
    return {
      error: `Cannot start: ${firstConfigError(s.config) ?? 'the settings are invalid'}`,
    };
  const config = parsed.data;
  const why =
    poisonConfigError(s.poison, config.dataset) ??
    (s.salOn ? salConfigError(s.salSettings) : null) ??
    (s.defence && !DefenceSettingsSchema.safeParse(s.defence).success
      ? `Defence: the ${DEFENCES[s.defence.id].name} settings are invalid.`
      : null);
  if (why) return { error: `Cannot start: ${why}` };
  const sal = s.salOn ? { ...s.salSettings } : null;
  // The defence applies to every run, the clean one included, so the runs stay comparable.
  const defence = s.defence ? { ...s.defence } : null;
  const base = { experimentId: input.experimentId, salSettings: sal };
  const cleanId = input.newRunId();
  const clean = createRun(cleanId, input.firstRunIndex, config, input.backend, input.now, base);
  const runs = [clean];
  const jobs: ExperimentPlan['jobs'] = [
    { runId: cleanId, job: { config, poison: null, defence, sal, surrogateRunId: null } },
  ];
  s.poison.methods.forEach((method, k) => {
    const id = input.newRunId();
    const poison = poisonSettingsFor(s.poison, method, config.dataset);
    const extras = { ...base, method, poisonSettings: poison };
    runs.push(createRun(id, input.firstRunIndex + k + 1, config, input.backend, input.now, extras));
    // TAP and SEP attack the trained clean model; the worker runs jobs in arrival order.
    const surrogateRunId = method === 'tap' || method === 'sep' ? cleanId : null;
    jobs.push({ runId: id, job: { config, poison, defence, sal, surrogateRunId } });
  });
  const experiment: Experiment = {
    id: input.experimentId,
    index: input.experimentIndex,
    config,
    sal,
    defence,
    cleanRunId: cleanId,
    poisonedRunIds: runs.slice(1).map((r) => r.id),
  };
  return { experiment, runs, jobs };
}

/**
 * The first free id `exp-<n>` from `n` on: saved and imported experiments keep their ids, so
 * "number of experiments + 1" may already be taken after a reload or a delete.
 */
export function freeExperimentId(taken: Readonly<Record<string, unknown>>, n: number): string {
  let k = n;
  while (taken[`exp-${k}`]) k++;
  return `exp-${k}`;
}
