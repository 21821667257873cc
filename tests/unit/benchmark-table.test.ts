/**
 * The benchmark table of core: rows from seed outcomes (means over the seeds that trained),
 * and the round trips rows -> CSV -> rows and rows -> JSON -> rows; plus the CSV cell quoting.
 */
import { describe, expect, it } from 'vitest';
import {
  benchmarkFromCsv,
  benchmarkFromJson,
  benchmarkRow,
  benchmarkToCsv,
  BENCHMARK_CSV_COLUMNS,
  type SeedOutcome,
} from '../../src/core/benchmark-table';
import { meanInterval } from '../../src/core/interval';
import { parseCsv, toCsv } from '../../src/core/csv';

const ok = (seed: number, testAcc: number, trainAcc: number, ud: number | null): SeedOutcome => ({
  seed,
  testAcc,
  trainAcc,
  ud,
  didNotTrain: false,
  note: null,
});

const broke: SeedOutcome = {
  seed: 3,
  testAcc: null,
  trainAcc: null,
  ud: null,
  didNotTrain: true,
  note: 'training accuracy 0.100 at epoch 2 is chance (1/10), "stuck", loss 2.303',
};

describe('benchmarkRow', () => {
  it('averages the seeds that trained and counts the one that did not', () => {
    const row = benchmarkRow('lsp', 'jpeg', [ok(1, 0.8, 0.9, 0.5), ok(2, 0.7, 0.95, 1), broke]);
    expect(row.seeds).toEqual([1, 2, 3]);
    expect(row.didNotTrain).toBe(1);
    const t = meanInterval([0.8, 0.7]);
    expect(row.testAcc).toEqual({ mean: t.mean, lo: t.lo, hi: t.hi, n: 2 });
    expect(row.trainAcc.mean).toBeCloseTo(0.925, 12);
    expect(row.ud.mean).toBe(0.75);
    expect(row.ud.n).toBe(2);
    expect(row.perSeed.testAcc).toEqual([0.8, 0.7, null]);
    expect(row.perSeed.didNotTrain).toEqual([false, false, true]);
  });

  it('gives a mean without an interval for one seed, and none when no seed trained', () => {
    expect(benchmarkRow('clean', 'none', [ok(5, 0.9, 0.99, 1)]).testAcc).toEqual({
      mean: 0.9,
      lo: null,
      hi: null,
      n: 1,
    });
    const none = benchmarkRow('em', 'none', [broke]);
    expect(none.testAcc).toEqual({ mean: null, lo: null, hi: null, n: 0 });
    expect(none.didNotTrain).toBe(1);
  });

  it('refuses per-seed lists that do not match the seeds, and unknown methods', () => {
    expect(() => benchmarkRow('nope' as 'lsp', 'none', [ok(1, 0.5, 0.5, 1)])).toThrow();
    expect(() => benchmarkRow('lsp', 'none', [])).toThrow();
  });
});

const rows = [
  benchmarkRow('clean', 'none', [ok(1, 0.93, 0.97, 1), ok(2, 0.91, 0.96, 4 / 3), broke]),
  benchmarkRow('em-class', 'jpeg', [ok(1, 0.1 + 0.2, 1 / 3, null), ok(2, 0.8, 0.99, 0.25)]),
];

describe('benchmark CSV and JSON', () => {
  it('round-trips rows through CSV exactly (full precision, nulls, quoted notes)', () => {
    const csv = benchmarkToCsv(rows);
    expect(csv.split('\n')[0]).toBe(BENCHMARK_CSV_COLUMNS.join(','));
    expect(benchmarkFromCsv(csv)).toEqual(rows);
  });

  it('reads CSV saved with CRLF line ends and columns in another order', () => {
    const records = parseCsv(benchmarkToCsv(rows));
    const order = records[0]!.map((_, i) => i).reverse();
    const swapped = toCsv(records.map((r) => order.map((i) => r[i]!))).replace(/\n/g, '\r\n');
    expect(benchmarkFromCsv(swapped)).toEqual(rows);
  });

  it('round-trips rows through JSON', () => {
    expect(benchmarkFromJson(JSON.stringify({ rows })).rows).toEqual(rows);
  });

  it('names what is wrong in a bad CSV or JSON', () => {
    const csv = benchmarkToCsv(rows);
    expect(() => benchmarkFromCsv(csv.replace('em-class', 'em-klass'))).toThrow('line 3, method');
    expect(() => benchmarkFromCsv(csv.replace(/^method,/, 'kind,'))).toThrow(
      'missing column method',
    );
    expect(() => benchmarkFromJson('{"rows":[{"method":"lsp"}]}')).toThrow('rows.0');
  });
});

describe('CSV cells', () => {
  it('quotes commas, quotes and line breaks and reads them back', () => {
    const records = [
      ['a', 'b,c', 'say "hi"'],
      ['two\nlines', '', 'x'],
    ];
    const text = toCsv(records);
    expect(text).toBe('a,"b,c","say ""hi"""\n"two\nlines",,x\n');
    expect(parseCsv(text)).toEqual(records);
  });

  it('refuses an unclosed quote and text after a closing quote', () => {
    expect(() => parseCsv('a,"b\n')).toThrow('never closes');
    expect(() => parseCsv('"a"b,c\n')).toThrow('after a closing quote');
  });
});
