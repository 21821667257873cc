/**
 * Shared by the experiment store tests (store-experiment, store-sal): a store on the fake worker
 * client with 2 epochs and no poison toggled, and SAL rows as the worker sends them.
 */
import { defaultTrainConfig } from '../../../src/core/train-config';
import { createAppStore, type AppStore } from '../../../src/store';
import type { RunMessage } from '../../../src/workers/client';
import { FakeLab } from './fake-lab';

/** A fresh fake client and a store on it whose ids count from 1. */
export function experimentSetup(): { client: FakeLab; store: AppStore } {
  const client = new FakeLab();
  let ids = 0;
  const store = createAppStore({
    client,
    now: () => 0,
    newId: (prefix) => `${prefix}${++ids}`,
    config: { ...defaultTrainConfig(), epochs: 2 },
    poison: { methods: [], eps: {}, ratio: 1, seed: 1 },
  });
  return { client, store };
}

/** A SAL row for `epoch` with layers l1..ln; address it to a run with `to`. */
export const sal = (epoch: number, values: number[]): RunMessage => ({
  type: 'sal',
  runId: '',
  row: {
    epoch,
    layers: values.map((_, i) => `l${i + 1}`),
    values,
    up: values,
    down: values.map((v) => v / 2),
    l0: 0.5,
    seconds: 0.1,
  },
});

/** The message addressed to `runId`. */
export const to = (runId: string, msg: RunMessage): RunMessage => ({ ...msg, runId }) as RunMessage;
