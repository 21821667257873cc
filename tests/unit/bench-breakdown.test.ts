/**
 * The benchmarks' tables name a run that did not train (core/breakdown.ts) instead of counting
 * it: bench:poisons marks its accuracy, bench:sal leaves it out of the UD.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EpochMetrics } from '../../src/core/run-types';
import { LEARNT, STUCK } from './helpers/epochs';
import { POISON_METHODS } from '../../src/core/poison-types';
import { APP_SAL_DEFAULTS, type SalRecord } from '../../src/core/sal-types';
import { modelResult, openCells, type Cell } from '../../bench/node/poisons/cells';
import { planPoisonBench, type PoisonPlan } from '../../bench/node/poisons/plan';
import { printTables } from '../../bench/node/poisons/tables';
import { planSalBench, type SalPlan } from '../../bench/node/sal/plan';
import type { UdRun } from '../../bench/node/sal/runs';
import { printUdTable } from '../../bench/node/sal/tables';
import { pairUd } from '../../bench/node/sal/ud';

const ROOT = tmpdir();
/** Everything the tables print, as one string. */
function printed(f: () => void): string {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out.push(String(s));
    return true;
  });
  try {
    f();
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}
afterEach(() => vi.restoreAllMocks());

describe('bench:poisons tables', () => {
  it('mark a run that did not train and explain the mark', () => {
    const plan = planPoisonBench(['--datasets', 'mnist', '--methods', 'lsp'], ROOT) as PoisonPlan;
    const cells = openCells(ROOT, path.join(ROOT, 'never-written.json'), {} as never, true);
    const cell = (method: Cell['method'], eps: number | null, models: Cell['models']): Cell => ({
      dataset: 'mnist',
      method,
      budget: method === 'clean' ? '-' : 'default',
      eps,
      norm: 'l2',
      genSeconds: 1,
      linfMax: 0.5,
      l2Mean: 2,
      l0Mean: 100,
      models,
    });
    cells.all.push(
      cell('clean', null, {
        'cnn-s': modelResult(LEARNT, 10, 1),
        'vgg-s': modelResult(LEARNT, 10, 1),
      }),
      cell('lsp', POISON_METHODS.lsp.defaultEps.mnist, {}),
    );
    const lsp = cells.all[1]!;
    const text0 = printed(() => printTables(plan, cells, 'wasm'));
    expect(text0).not.toMatch(/\u2020/);
    lsp.models = { 'cnn-s': modelResult(STUCK, 10, 1), 'vgg-s': modelResult(LEARNT, 10, 1) };
    const text = printed(() => printTables(plan, cells, 'wasm'));
    expect(text).toMatch(/0\.100 \(-0\.80\)\u2020/);
    expect(text).toMatch(/\u2020 did not train \(at its final epoch/);
    // A result saved before the detector is not judged, and says so.
    lsp.models['vgg-s'] = { testAcc: 0.9, trainAcc: 0.9, seconds: 1 };
    expect(printed(() => printTables(plan, cells, 'wasm'))).toMatch(
      /\? saved before the breakdown detector/,
    );
  });
});

describe('bench:sal UD table', () => {
  const sal = (values: number[][]) =>
    ({ layers: ['a', 'b', 'c'], values, settings: APP_SAL_DEFAULTS }) as unknown as SalRecord;
  const CLEAN_SAL = [
    [0.9, 0.1, 0.8],
    [0.7, 0.05, 0.6],
  ];
  const run = (seed: number, method: UdRun['method'], m: EpochMetrics[], values: number[][]) => {
    const r = modelResult(m, 10, 1);
    return {
      model: 'cnn-s',
      seed,
      method,
      eps: method === 'clean' ? null : 0.3,
      testAcc: r.testAcc,
      trainAcc: r.trainAcc,
      trainLoss: r.trainLoss!,
      didNotTrain: r.didNotTrain!,
      ...(r.didNotTrainReason ? { didNotTrainReason: r.didNotTrainReason } : {}),
      sal: sal(values),
      salSeconds: 1,
      genSeconds: 1,
    } satisfies UdRun;
  };

  it('gives no UD to a pair where either run did not train', () => {
    const clean = run(1, 'clean', LEARNT, CLEAN_SAL);
    const p = run(1, 'random', LEARNT, CLEAN_SAL);
    expect(pairUd(clean, p)?.ud).toBe(1);
    expect(pairUd(clean, run(1, 'random', STUCK, CLEAN_SAL))).toBeNull();
    expect(pairUd(run(1, 'clean', STUCK, CLEAN_SAL), p)).toBeNull();
  });

  it('leaves seeds that did not train out of the UD and says how many', () => {
    const plan = planSalBench(
      ['--models', 'cnn-s', '--methods', 'random', '--seeds', '1,2'],
      ROOT,
    ) as SalPlan;
    const low = [
      [0.9, 0.0, 0.0],
      [0.7, 0.0, 0.0],
    ];
    const runs = [
      run(1, 'clean', LEARNT, CLEAN_SAL),
      run(2, 'clean', LEARNT, CLEAN_SAL),
      run(1, 'random', LEARNT, low),
      // Seed 2 did not train; its SAL would pull the mean UD to 1 if it were counted.
      run(2, 'random', STUCK, CLEAN_SAL),
    ];
    const text = printed(() => printUdTable(plan, runs));
    const row = text.split('\n').find((l) => /\| random /.test(l))!;
    expect(row).toMatch(/0\.50 \(1 did not train \u2020\)/);
    expect(row).toMatch(/0\.500\u2020/); // test acc, mean over both seeds, marked
    expect(text).toMatch(/\u2020 did not train \(at its final epoch/);
  });
});
