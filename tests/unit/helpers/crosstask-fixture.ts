/**
 * Shared by the cross-task store tests: a store on the fake worker client (helpers/fake-lab.ts)
 * and a synthetic cross-task result (digits model with SAL, multi-task model).
 */
import type { SalRecord } from '../../../src/core/sal-types';
import type { HeadTask, TaskId } from '../../../src/core/tasks';
import { defaultTrainConfig } from '../../../src/core/train-config';
import type { UdResult } from '../../../src/core/ud';
import type {
  CrossTaskResult,
  CrossTaskRun,
  HeadOutcome,
} from '../../../src/core/cross-task-types';
import { createAppStore, type AppStore, type LabClientLike } from '../../../src/store';
import { crossTaskKey } from '../../../src/store/reducers/cross-task-jobs';
import { defaultSalSettings, methodEps } from '../../../src/store/poison-config';
import type { All } from '../../../src/store/types';
import type { CrossTaskJob } from '../../../src/store/reducers/cross-task-jobs';
import { FakeLab } from './fake-lab';

export const LAYERS = ['conv1', 'conv2', 'fc1'];

/** A UD result from learnable masks [epoch][layer]. */
export function udOf(
  clean: boolean[][],
  poisoned: boolean[][],
  ud: number | null,
  undefinedReason?: string,
): UdResult {
  return {
    ud,
    ...(undefinedReason ? { undefinedReason } : {}),
    beta: 0.1,
    thresholds: clean.map(() => 0.1),
    lpClean: 0,
    lpPoisoned: 0,
    epochs: clean.length,
    layers: LAYERS.length,
    learnableClean: clean,
    learnablePoisoned: poisoned,
  };
}

export function salRecord(seed: number, epochs: number, withL0: boolean): SalRecord {
  const m = (k: number) =>
    Array.from({ length: epochs }, (_, t) => LAYERS.map((_, l) => seed + k + t * 10 + l));
  return {
    settings: defaultSalSettings(),
    layers: LAYERS,
    values: m(0),
    up: m(100),
    down: m(200),
    ...(withL0 ? { l0: Array.from({ length: epochs }, (_, t) => seed + t / 10) } : {}),
  };
}

export function run(
  task: TaskId,
  variant: 'clean' | 'poisoned',
  heads: HeadTask[],
  sal: CrossTaskRun['sal'],
): CrossTaskRun {
  return { task, variant, lr: 0.05, heads, trunkLayers: LAYERS, metrics: [], sal, seconds: 1 };
}

export const T = [true, true, false];
export const F = [false, false, false];

export function outcome(
  p: Partial<HeadOutcome> & Pick<HeadOutcome, 'model' | 'head'>,
): HeadOutcome {
  return {
    metric: p.head === 'segmentation' ? 'iou' : 'acc',
    clean: 0.9,
    poisoned: 0.5,
    ud: null,
    ...p,
  };
}

/** A result: the digits model (with SAL) and the multi model (SAL for rotation only). */
export function syntheticResult(): CrossTaskResult {
  return {
    config: defaultTrainConfig(),
    poison: null,
    sal: defaultSalSettings(),
    trunkLayers: LAYERS,
    runs: [
      run('digits', 'clean', ['digits'], { digits: salRecord(1, 3, true) }),
      run('digits', 'poisoned', ['digits'], { digits: salRecord(2, 3, true) }),
      run('multi', 'clean', ['digits', 'rotation', 'segmentation'], {
        rotation: salRecord(3, 2, false),
      }),
      run('multi', 'poisoned', ['digits', 'rotation', 'segmentation'], {
        rotation: salRecord(4, 2, false),
      }),
    ],
    outcomes: [
      // Epoch UDs 1/2 and 3/2; the epoch without a clean learnable layer is skipped.
      outcome({
        model: 'digits',
        head: 'digits',
        clean: 0.95,
        poisoned: 0.3,
        ud: udOf(
          [T, T, F],
          [
            [true, false, false],
            [true, true, true],
            [true, true, true],
          ],
          0.75,
        ),
      }),
      outcome({ model: 'multi', head: 'digits', clean: 0.8, poisoned: null, ud: null }),
      outcome({
        model: 'multi',
        head: 'rotation',
        clean: 0.7,
        poisoned: 0.6,
        ud: udOf([F, F], [T, T], null, 'no clean layer'),
      }),
      outcome({ model: 'multi', head: 'segmentation', clean: 0.4, poisoned: 0.2, ud: null }),
    ],
    chance: { digits: 0.1, rotation: 0.25, segmentation: 0.123 },
    cleanDigits: null,
    seconds: 3,
  };
}

/** A fresh fake client, a store on it, and `newStore` for more stores sharing its id counter. */
export function crossTaskSetup() {
  const client = new FakeLab();
  let ids = 0;
  const newStore = (c: LabClientLike | null = client): AppStore =>
    createAppStore({
      ...(c ? { client: c } : {}),
      now: () => 0,
      newId: (prefix) => `${prefix}-${++ids}`,
    });
  return { client, newStore, store: newStore() };
}

/** The key the store uses for its current settings. */
export function currentKeyOf(s: All): string {
  const m = s.crossTaskMethod;
  return crossTaskKey(
    s.config,
    {
      method: m,
      eps: methodEps(s.poison, m, s.config.dataset),
      ratio: s.poison.ratio,
      seed: s.poison.seed,
    },
    s.salOn ? s.salSettings : null,
  );
}

/** A job as the slice creates it (default settings, lsp), ready for the reducer. */
export function job(patch: Partial<CrossTaskJob> = {}): CrossTaskJob {
  return {
    jobId: 'j1',
    method: 'lsp',
    config: defaultTrainConfig(),
    sal: defaultSalSettings(),
    status: 'queued',
    detail: 'waiting for the worker',
    fraction: 0,
    result: null,
    error: null,
    ...patch,
  };
}
