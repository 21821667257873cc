/**
 * `salscape benchmark`: one-line flag errors (exit 2, before TF.js loads), and a tiny real
 * benchmark (cnn-s, 200 images, SAL with tiny settings, 2 seeds, one method plus the clean
 * control) whose JSON line, benchmark.json and benchmark.csv hold the same rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, ensureData, inProcess, type CliResult } from './helpers/cli';
import {
  benchmarkFromCsv,
  benchmarkFromJson,
  BenchmarkTableSchema,
  type BenchmarkRow,
} from '../../src/core/benchmark-table';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'salscape-cli-bench-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('salscape benchmark flags', () => {
  it.each([
    [['--seeds', '1,1'], /--seeds names a seed twice/],
    [['--seeds', '1,x'], /--seeds must be a number \(got "x"\)/],
    [['--seeds', '2147483647'], /--seeds must be whole numbers from 0 to 2147483646/],
    [['--seeds', '1.5', '--methods', 'lsp'], /--seeds must be whole numbers/],
    [['--seed', '1'], /unknown flag --seed for "benchmark"/],
    [['--sal'], /unknown flag --sal for "benchmark"/],
    [['--methods', 'clean,nope'], /--methods takes clean and random, .* \(got "nope"\)/],
    [['--methods', 'lsp,lsp'], /--methods names a method twice/],
    [['--methods', 'clean=0.1'], /--methods: clean takes no budget/],
    [['--methods', 'em-class=2'], /--methods of em-class is an L-inf budget/],
    [['--ratio', '2'], /--ratio must be a fraction/],
    [['--defences', 'none,fog'], /--defences takes none and jpeg, .* \(got "fog"\)/],
    [['--defences', 'jpeg,jpeg'], /--defences names jpeg twice/],
    [['--jpeg-quality', '20'], /--jpeg-quality is a jpeg setting: add jpeg to --defences/],
    [['--defences', 'jpeg', '--jpeg-quality', '0'], /--jpeg-quality must be an integer from 1/],
    [['--sal-rounds', '0'], /--sal-rounds must be an integer/],
    [['--model', 'big'], /--model must be one of/],
    [['--backend', 'gpu'], /--backend must be one of wasm, cpu/],
    [[], /--out DIR is required/],
  ])('%j', async (args, message) => {
    const withOut = args.length > 0 && !args.includes('--out') ? [...args, '--out', tmp] : args;
    const r = await inProcess(['benchmark', ...withOut]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('is listed in --help and has its own usage', async () => {
    const main = await inProcess(['--help']);
    expect(main.stdout).toMatch(/^ {2}benchmark +test accuracy and UD/m);
    const own = await inProcess(['benchmark', '--help']);
    expect(own.code).toBe(0);
    for (const flag of ['--seeds', '--methods', '--defences', '--sal-rounds', '--epochs'])
      expect(own.stdout).toContain(flag);
  });
});

describe('salscape benchmark, a tiny real run', () => {
  let r: CliResult;
  let out: string;
  beforeAll(async () => {
    await ensureData();
    out = path.join(tmp, 'tiny');
    r = await cli([
      'benchmark',
      ...['--train-size', '200', '--test-size', '100', '--epochs', '2', '--batch', '16'],
      ...['--sal-rounds', '1', '--sal-size', '64', '--seeds', '1,2'],
      ...['--methods', 'clean,random-class', '--out', out, '--json'],
    ]);
  }, 120_000);

  it('prints one JSON line of rows, one per method, with per-seed figures', () => {
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const { rows } = BenchmarkTableSchema.parse(JSON.parse(lines[0]!));
    expect(rows.map((x) => [x.method, x.defence])).toEqual([
      ['clean', 'none'],
      ['random-class', 'none'],
    ]);
    for (const row of rows) {
      expect(row.seeds).toEqual([1, 2]);
      expect(row.didNotTrain).toBe(row.perSeed.didNotTrain.filter(Boolean).length);
      // The means are over the seeds that trained, and only those.
      const kept = row.perSeed.testAcc.filter((v): v is number => v !== null);
      expect(kept).toHaveLength(2 - row.didNotTrain);
      expect(row.testAcc.n).toBe(kept.length);
      if (kept.length > 0)
        expect(row.testAcc.mean).toBeCloseTo(kept.reduce((a, b) => a + b, 0) / kept.length, 12);
      row.perSeed.testAcc.forEach((v, i) => {
        if (v === null) expect(row.perSeed.note[i]).toMatch(/did not train/);
        else expect(v).toBeGreaterThanOrEqual(0);
      });
      row.perSeed.ud.forEach((v, i) => {
        if (v === null) expect(row.perSeed.note[i]).not.toBeNull();
      });
    }
  });

  it('says one progress line per run on stderr (the control trains clean seed 3 too)', () => {
    const progress = r.stderr.split('\n').filter((l) => /^\[\d+\/5\] /.test(l));
    expect(progress).toHaveLength(5);
    expect(progress[4]).toMatch(/^\[5\/5\] clean, defence none, seed 3: test acc/);
  });

  it('writes benchmark.json and benchmark.csv that agree with the JSON line', async () => {
    const line = JSON.parse(r.stdout) as { rows: BenchmarkRow[] };
    const file = benchmarkFromJson(await readFile(path.join(out, 'benchmark.json'), 'utf8'));
    const csv = benchmarkFromCsv(await readFile(path.join(out, 'benchmark.csv'), 'utf8'));
    expect(file.rows).toEqual(line.rows);
    expect(csv).toEqual(file.rows);
    expect(file.setup).toMatchObject({
      config: { model: 'cnn-s', trainSize: 200, epochs: 2 },
      sal: { rounds: 1, subsetSize: 64 },
      poisons: [{ method: 'random-class', ratio: 1 }],
      defences: [{ id: 'none' }],
      backend: 'wasm',
    });
  });
});
