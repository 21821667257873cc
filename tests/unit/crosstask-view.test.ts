/** What the cross-task view draws: UD per epoch, table rows, SAL series (store/derived/cross-task-view.ts). */
import { describe, expect, it } from 'vitest';
import { crossTaskRows, taskSalSeries, udPerEpoch } from '../../src/store/derived/cross-task-view';
import { F, LAYERS, outcome, syntheticResult, T, udOf } from './helpers/crosstask-fixture';

describe('udPerEpoch', () => {
  it('poisoned / clean learnable layers per epoch, skipping epochs without a clean one', () => {
    expect(
      udPerEpoch(
        udOf([T, F, [true, true, true]], [[true, false, false], T, [true, false, false]], null),
      ),
    ).toEqual([0.5, 1 / 3]);
    expect(udPerEpoch(udOf([F, F], [T, T], null))).toEqual([]);
  });
});

describe('crossTaskRows', () => {
  const r = syntheticResult();
  const rows = crossTaskRows(r);

  it('one row per outcome, in order, with labels and metric names', () => {
    expect(rows.map((x) => [x.model, x.head, x.multi])).toEqual([
      ['digits model', 'digits', false],
      ['multi-task (shared trunk)', 'digits', true],
      ['multi-task (shared trunk)', 'rotation', true],
      ['multi-task (shared trunk)', 'segmentation', true],
    ]);
    expect(rows[0]!.task).toBe('Digit classification');
    expect(rows[3]!.task).toBe('Foreground segmentation');
    expect(rows.map((x) => x.metric)).toEqual([
      'test accuracy',
      'test accuracy',
      'test accuracy',
      'test IoU',
    ]);
  });

  it('scores and chance per head', () => {
    expect(rows.map((x) => [x.clean, x.poisoned])).toEqual(
      r.outcomes.map((o) => [o.clean, o.poisoned]),
    );
    expect(rows.map((x) => x.chance)).toEqual([0.1, 0.1, 0.25, 0.123]);
  });

  it('UD, its reason when undefined, and the spread of the per-epoch UD', () => {
    expect(rows[0]).toMatchObject({ ud: 0.75, udWhy: null, spread: [0.5, 1.5] });
    expect(rows[1]).toMatchObject({ ud: null, udWhy: null, spread: null });
    expect(rows[2]).toMatchObject({ ud: null, udWhy: 'no clean layer', spread: null });
  });

  it("an undefined UD without a reason reads 'undefined'", () => {
    const u = udOf([T], [T], null);
    const [row] = crossTaskRows({
      ...r,
      outcomes: [outcome({ model: 'digits', head: 'digits', ud: u })],
    });
    expect(row!.udWhy).toBe('undefined');
    expect(row!.spread).toEqual([1, 1]);
  });
});

describe('taskSalSeries', () => {
  const r = syntheticResult();

  it('maps a SAL record to a series with 1-based epochs', () => {
    const s = taskSalSeries(r, 'digits', 'digits', 'poisoned')!;
    const rec = r.runs[1]!.sal.digits!;
    expect(s.layers).toEqual(LAYERS);
    expect(s.epochs).toEqual([1, 2, 3]);
    expect(s.values).toEqual(rec.values);
    expect(s.up).toEqual(rec.up);
    expect(s.down).toEqual(rec.down);
    expect(s.l0).toEqual(rec.l0);
    expect(s.seconds).toHaveLength(3);
    expect(s.seconds.every(Number.isNaN)).toBe(true);
    // The clean variant is another record.
    expect(taskSalSeries(r, 'digits', 'digits', 'clean')!.values).toEqual(
      r.runs[0]!.sal.digits!.values,
    );
  });

  it('fills a missing L0 with NaN per epoch', () => {
    const s = taskSalSeries(r, 'multi', 'rotation', 'clean')!;
    expect(s.epochs).toEqual([1, 2]);
    expect(s.l0).toHaveLength(2);
    expect(s.l0.every(Number.isNaN)).toBe(true);
  });

  it('null when the model, variant or head has no record', () => {
    expect(taskSalSeries(r, 'multi', 'digits', 'clean')).toBeNull();
    expect(taskSalSeries(r, 'rotation', 'rotation', 'clean')).toBeNull();
    expect(
      taskSalSeries({ ...r, runs: r.runs.slice(0, 1) }, 'digits', 'digits', 'poisoned'),
    ).toBeNull();
  });
});
