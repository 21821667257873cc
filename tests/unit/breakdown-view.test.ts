/** The app's use of the breakdown detector: run verdicts, and UD refused for runs that did not train. */
import { describe, expect, it } from 'vitest';
import { APP_SAL_DEFAULTS } from '../../src/core/sal-types';
import { defaultTrainConfig } from '../../src/core/train-config';
import type { EpochMetrics } from '../../src/core/run-types';
import { LEARNT, STUCK } from './helpers/epochs';
import type { RunMessage } from '../../src/workers/client';
import { udView } from '../../src/store';
import { runBreakdown } from '../../src/store/derived/breakdown-view';
import { createRun, reduceRun, type RunState } from '../../src/store/reducers/run-reducer';

const SAL = [
  [0.9, 0.1, 0.8],
  [0.7, 0.05, 0.6],
];
/** A run with SAL rows and epoch metrics, in the given status. */
function run(
  id: string,
  method: 'lsp' | null,
  metrics: EpochMetrics[],
  status: RunState['status'],
): RunState {
  let r = createRun(id, 1, { ...defaultTrainConfig(), epochs: 2 }, null, 0, {
    method,
    salSettings: { ...APP_SAL_DEFAULTS },
  });
  SAL.forEach((values, t) => {
    const msg: RunMessage = {
      type: 'sal',
      runId: id,
      row: {
        epoch: t + 1,
        layers: values.map((_, i) => `l${i + 1}`),
        values,
        up: values,
        down: values,
        l0: 0.5,
        seconds: 0.1,
      },
    };
    r = reduceRun(r, msg, 0);
  });
  return { ...r, epochs: metrics, status };
}

describe('runBreakdown', () => {
  it('judges a stopped run on its final epoch, and never a run still going', () => {
    expect(runBreakdown(run('c', null, STUCK, 'done')).didNotTrain).toBe(true);
    expect(runBreakdown(run('c', null, STUCK, 'cancelled')).didNotTrain).toBe(true);
    expect(runBreakdown(run('c', null, STUCK, 'training'))).toEqual({
      didNotTrain: false,
      reason: null,
    });
    expect(runBreakdown(run('c', null, LEARNT, 'done')).didNotTrain).toBe(false);
  });
});

describe('UD and runs that did not train', () => {
  it('gives a poisoned run that did not train no UD, and says so', () => {
    const clean = run('c', null, LEARNT, 'done');
    const v = udView(clean, run('p', 'lsp', STUCK, 'done'));
    expect(v.state).toBe('did-not-train');
    expect(v.result).toBeNull();
    expect(v.message).toMatch(/this poisoned run did not train \(training accuracy 0\.100/);
    expect(v.message).toMatch(/lower learning rate or another seed/);
    // The same SAL from a run that learnt gives a number.
    expect(udView(clean, run('p', 'lsp', LEARNT, 'done')).result?.ud).toBeCloseTo(1);
  });

  it('gives no UD to any run of an experiment whose clean run did not train', () => {
    const clean = run('c', null, STUCK, 'done');
    for (const p of [run('p', 'lsp', LEARNT, 'done'), run('p', 'lsp', LEARNT, 'training')]) {
      const v = udView(clean, p);
      expect(v.state).toBe('did-not-train');
      expect(v.message).toMatch(/no UD for this experiment: the clean run did not train/);
    }
  });

  it('keeps the live estimate while the poisoned run may still learn', () => {
    const clean = run('c', null, LEARNT, 'done');
    expect(udView(clean, run('p', 'lsp', STUCK, 'training')).state).toBe('running');
  });
});
