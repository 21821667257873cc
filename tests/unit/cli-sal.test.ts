/**
 * `salscape sal` on a saved model, `salscape ud` on two runs' SAL records, and their one-line
 * errors (exit 2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, REPO, inProcess } from './helpers/cli';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunRecord } from '../../src/cli/run-record';

const MNIST = path.join(REPO, 'public/data/mnist');
const IMAGES = path.join(MNIST, 'train-images-idx3-ubyte');
const LABELS = path.join(MNIST, 'train-labels-idx1-ubyte');

let tmp: string;
/** A tiny run trained with --sal (2 epochs), and one trained without. */
let salRun: string;
let plainRun: string;

beforeAll(async () => {
  if (!existsSync(path.join(MNIST, 'manifest.json'))) {
    const { prepareAll } = await import('../../scripts/prepare-data');
    await prepareAll({ log: () => {} });
  }
  tmp = await mkdtemp(path.join(tmpdir(), 'salscape-cli-sal-'));
  salRun = path.join(tmp, 'sal-run');
  plainRun = path.join(tmp, 'plain-run');
  const tiny = ['--train-size', '200', '--test-size', '100', '--json'];
  const [a, b] = await Promise.all([
    cli([
      'train',
      ...tiny,
      '--epochs',
      '2',
      '--sal',
      '--sal-rounds',
      '1',
      '--sal-size',
      '64',
      '--out',
      salRun,
    ]),
    cli(['train', ...tiny, '--epochs', '1', '--out', plainRun]),
  ]);
  if (a.code !== 0) throw new Error(`train --sal failed: ${a.stderr}`);
  if (b.code !== 0) throw new Error(`train failed: ${b.stderr}`);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('salscape train --sal', () => {
  it('records SAL after every epoch in run.json', async () => {
    const run = JSON.parse(await readFile(path.join(salRun, 'run.json'), 'utf8')) as RunRecord;
    expect(run.poison).toBeUndefined();
    expect(run.sal!.layers).toEqual(['conv1', 'conv2', 'dense1']);
    expect(run.sal!.values).toHaveLength(2);
    expect(run.sal!.up).toHaveLength(2);
    expect(run.sal!.down).toHaveLength(2);
    expect(run.sal!.l0).toHaveLength(2);
    expect(run.sal!.settings).toMatchObject({ rounds: 1, subsetSize: 64, eps: 0.05, lr: 0.1 });
    run.sal!.values.flat().forEach((v) => expect(v).toBeGreaterThanOrEqual(0));
  });
});

describe('salscape sal', () => {
  it('prints l0, per-layer SAL and the settings of a saved model as one JSON line', async () => {
    const r = await cli([
      'sal',
      '--model',
      path.join(salRun, 'model'),
      '--images',
      IMAGES,
      '--labels',
      LABELS,
      '--limit',
      '64',
      '--rounds',
      '1',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as {
      l0: number;
      layers: { name: string; sal: number; up: number; down: number }[];
      settings: Record<string, unknown>;
      model: string;
    };
    expect(out.l0).toBeGreaterThan(0);
    expect(out.model).toBe('cnn-s');
    expect(out.layers.map((l) => l.name)).toEqual(['conv1', 'conv2', 'dense1']);
    for (const l of out.layers) {
      expect(l.up).toBeGreaterThanOrEqual(0);
      expect(l.down).toBeGreaterThanOrEqual(0);
      expect(l.sal).toBe(Math.abs(l.up) > Math.abs(l.down) ? l.up : l.down);
    }
    expect(out.settings).toEqual({
      eps: 0.05,
      lr: 0.1,
      rounds: 1,
      batchSize: 128,
      subsetSize: 64,
      l0Mode: 'inference',
    });
  });

  it('--paper starts from the paper settings; a run folder is accepted as --model', async () => {
    const r = await cli([
      'sal',
      '--model',
      salRun,
      '--images',
      IMAGES,
      '--labels',
      LABELS,
      '--paper',
      '--limit',
      '64',
      '--rounds',
      '1',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/batch 256, 64 images/);
    expect(r.stdout).toMatch(/^conv1 +\d/m);
  });

  const bad: [string, string[], RegExp][] = [
    ['no model', ['sal', '--images', IMAGES, '--labels', LABELS], /--model is required/],
    [
      'bad rounds',
      ['sal', '--model', 'm', '--images', 'i', '--labels', 'l', '--rounds', '0'],
      /--rounds must be an integer from 1 to 100 \(got 0\)/,
    ],
    [
      'bad limit',
      ['sal', '--model', 'm', '--images', 'i', '--labels', 'l', '--limit', 'all'],
      /--limit must be a number \(got "all"\)/,
    ],
    ['unknown flag', ['sal', '--modle', 'm'], /unknown flag --modle for "sal"/],
  ];
  it.each(bad)('%s: exit 2', async (_, args, message) => {
    const r = await inProcess(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('a folder without model.json: exit 2 naming --model', async () => {
    const r = await cli(['sal', '--model', tmp, '--images', IMAGES, '--labels', LABELS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--model .* has no model\.json/);
  });
});

describe('salscape ud', () => {
  it('a run against itself has UD 1', async () => {
    const r = await inProcess(['ud', salRun, salRun, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ ud: 1, epochs: 2, layers: 3 });
    expect(out.lpClean).toBe(out.lpPoisoned);
    expect(typeof out.beta).toBe('number');
    expect(out.reason).toBeUndefined();
  });

  it('undefined UD is null with a reason when the clean run has no learnable layer', async () => {
    // Every value equal: both 2-means centres coincide, nothing lies above beta.
    const flat = path.join(tmp, 'flat');
    await cp(salRun, flat, { recursive: true });
    const run = JSON.parse(await readFile(path.join(flat, 'run.json'), 'utf8')) as RunRecord;
    run.sal!.values = run.sal!.values.map((row) => row.map(() => 0.5));
    await writeFile(path.join(flat, 'run.json'), JSON.stringify(run));
    const r = await inProcess(['ud', flat, salRun, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out.ud).toBeNull();
    expect(out.reason).toMatch(/undefined/);
    const text = await inProcess(['ud', flat, salRun]);
    expect(text.stdout).toMatch(/^UD undefined: /);
  });

  it('gives no UD when a run did not train, and says which', async () => {
    // The same SAL with the metrics of a run stuck at the uniform guess (acc 0.1, loss ln 10).
    const stuck = path.join(tmp, 'stuck');
    await cp(salRun, stuck, { recursive: true });
    const run = JSON.parse(await readFile(path.join(stuck, 'run.json'), 'utf8')) as RunRecord;
    run.metrics = run.metrics.map((m) => ({ ...m, trainAcc: 0.1, trainLoss: Math.log(10) }));
    await writeFile(path.join(stuck, 'run.json'), JSON.stringify(run));
    const base = JSON.parse((await inProcess(['ud', salRun, salRun, '--json'])).stdout) as {
      ud: number | null;
      didNotTrain: unknown;
    };
    expect(base.ud).toBe(1);
    expect(base.didNotTrain).toEqual({ clean: false, poisoned: false });
    const cases: [string[], RegExp, { clean: boolean; poisoned: boolean }][] = [
      [
        [salRun, stuck],
        /^the poisoned run did not train \(training accuracy 0\.100/,
        { clean: false, poisoned: true },
      ],
      [
        [stuck, salRun],
        /^the clean run did not train .*so there is no UD/,
        { clean: true, poisoned: false },
      ],
    ];
    for (const [args, reason, didNotTrain] of cases) {
      const r = await inProcess(['ud', ...args, '--json']);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(out.ud).toBeNull();
      expect(out.reason).toMatch(reason);
      expect(out.reason).toMatch(/lower learning rate or another seed/);
      expect(out.didNotTrain).toEqual(didNotTrain);
    }
    expect((await inProcess(['ud', salRun, stuck])).stdout).toMatch(/^No UD: the poisoned run/);
  });

  it('refuses runs with other SAL settings, runs without SAL, and folders without run.json', async () => {
    const other = path.join(tmp, 'other-settings');
    await cp(salRun, other, { recursive: true });
    const run = JSON.parse(await readFile(path.join(other, 'run.json'), 'utf8')) as RunRecord;
    run.sal!.settings.rounds = 3;
    await writeFile(path.join(other, 'run.json'), JSON.stringify(run));
    const cases: [string[], RegExp][] = [
      [[salRun, other], /different settings \(clean: .*1 round.*; poisoned: .*3 rounds/],
      [[salRun, plainRun], /POISONED_RUN_DIR .* has no SAL record .* --sal/],
      [[tmp, salRun], /CLEAN_RUN_DIR .* has no run\.json/],
      [[salRun], /ud needs two run folders/],
      [[salRun, salRun, '--epochs', '3'], /--epochs 3: the clean run has SAL for 2 epochs/],
    ];
    for (const [args, message] of cases) {
      const r = await inProcess(['ud', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });

  it('--epochs 1 compares the first epoch only', async () => {
    const r = await inProcess(['ud', salRun, salRun, '--epochs', '1', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ud: 1, epochs: 1 });
  });
});
