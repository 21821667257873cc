/**
 * `salscape poison` and `salscape train --poison`: IDX files, poison.json, run.json's poison
 * record, and the one-line errors (exit 2) of bad poison flags.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, REPO, inProcess } from './helpers/cli';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PoisonRecord } from '../../src/cli/poison-run';
import type { RunRecord } from '../../src/cli/run-record';
import { defaultTrainConfig } from '../../src/core/train-config';
import { loadDatasetNode, loadIdxPairNode } from '../../src/ml/data/load-node';
import { selectRunData } from '../../src/ml/train/run-training';

/** The clean subset `salscape train --train-size n --seed s` selects. */
async function cleanSubset(n: number, seed = 1) {
  const [train, test] = await Promise.all([
    loadDatasetNode('mnist', 'train'),
    loadDatasetNode('mnist', 'test'),
  ]);
  return selectRunData({ ...defaultTrainConfig(), trainSize: n, seed }, train, test).train;
}

let tmp: string;
beforeAll(async () => {
  if (!existsSync(path.join(REPO, 'public/data/mnist/manifest.json'))) {
    const { prepareAll } = await import('../../scripts/prepare-data');
    await prepareAll({ log: () => {} });
  }
  tmp = await mkdtemp(path.join(tmpdir(), 'salscape-cli-poison-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('salscape poison', () => {
  it('writes IDX files of the train subset and poison.json with norms within budget', async () => {
    const out = path.join(tmp, 'random');
    const r = await cli([
      'poison',
      '--method',
      'random',
      '--eps',
      '8/255',
      '--train-size',
      '200',
      '--seed',
      '3',
      '--out',
      out,
      '--json',
    ]);
    expect(r.stderr).toMatch(/poisoned 200\/200 images/);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(summary).toMatchObject({ method: 'random', poisonedCount: 200, out });

    const set = await loadIdxPairNode(
      path.join(out, 'train-images-idx3-ubyte'),
      path.join(out, 'train-labels-idx1-ubyte'),
    );
    expect(set.count).toBe(200);
    expect([set.height, set.width, set.channels]).toEqual([28, 28, 1]);

    const rec = JSON.parse(await readFile(path.join(out, 'poison.json'), 'utf8')) as PoisonRecord;
    expect(rec.method).toBe('random');
    expect(rec.settings.eps).toBeCloseTo(8 / 255, 12);
    expect(rec.settings).toMatchObject({ ratio: 1, seed: 3 });
    expect(rec.subset).toMatchObject({ dataset: 'mnist', size: 200, seed: 3 });
    expect(rec.subset.classCounts.reduce((a, b) => a + b, 0)).toBe(200);
    expect(rec.poisonedIndices).toBeUndefined();
    expect(rec.norms.linfMax).toBeGreaterThan(0);
    expect(rec.norms.linfMax).toBeLessThanOrEqual(8 / 255 + 1e-6);

    // The files hold the very subset `salscape train --train-size 200 --seed 3` trains on,
    // with the same labels, and every byte moved at most floor(8/255 * 255) = 8 levels.
    const clean = await cleanSubset(200, 3);
    expect(Array.from(set.labels)).toEqual(Array.from(clean.labels));
    let maxDiff = 0;
    let changed = 0;
    for (let i = 0; i < clean.images.length; i++) {
      const d = Math.abs(set.images[i]! - clean.images[i]!);
      maxDiff = Math.max(maxDiff, d);
      if (d > 0) changed++;
    }
    expect(maxDiff).toBeLessThanOrEqual(8);
    expect(maxDiff / 255).toBeCloseTo(rec.norms.linfMax, 6);
    expect(changed).toBeGreaterThan(0);
  });

  it('an L2 method at ratio 50% poisons half the images within its L2 budget', async () => {
    const out = path.join(tmp, 'lsp');
    const r = await cli([
      'poison',
      '--method',
      'lsp',
      '--ratio',
      '50%',
      '--train-size',
      '200',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^lsp: poisoned 100\/200 mnist images/);
    const rec = JSON.parse(await readFile(path.join(out, 'poison.json'), 'utf8')) as PoisonRecord;
    expect(rec.poisonedCount).toBe(100);
    expect(rec.poisonedIndices).toHaveLength(100);
    expect(rec.norms.l2Max).toBeLessThanOrEqual(rec.settings.eps + 1e-6);
    const set = await loadIdxPairNode(
      path.join(out, 'train-images-idx3-ubyte'),
      path.join(out, 'train-labels-idx1-ubyte'),
    );
    const clean = await cleanSubset(200);
    const poisoned = new Set(rec.poisonedIndices);
    const per = 28 * 28;
    for (let i = 0; i < 200; i++) {
      const a = set.images.subarray(i * per, (i + 1) * per);
      const b = clean.images.subarray(i * per, (i + 1) * per);
      let same = true;
      for (let j = 0; j < per; j++) if (a[j] !== b[j]) same = false;
      if (!poisoned.has(i)) expect(same, `image ${i} is not in poisonedIndices`).toBe(true);
    }
  });
});

describe('salscape train --poison', () => {
  it('trains on the poisoned subset and records the poison and SAL in run.json', async () => {
    const out = path.join(tmp, 'run');
    const r = await cli([
      'train',
      '--train-size',
      '200',
      '--test-size',
      '100',
      '--epochs',
      '1',
      '--poison',
      'random-class',
      '--eps',
      '0.1',
      '--poison-seed',
      '7',
      '--sal',
      '--sal-rounds',
      '1',
      '--sal-size',
      '64',
      '--json',
      '--out',
      out,
    ]);
    expect(r.stderr).toMatch(/poisoned 200\/200 training images/);
    expect(r.stderr).toMatch(/SAL after epoch 1: conv1 /);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ epochs: 1, poison: { method: 'random-class', eps: 0.1 } });
    const run = JSON.parse(await readFile(path.join(out, 'run.json'), 'utf8')) as RunRecord;
    expect(run.poison).toMatchObject({
      method: 'random-class',
      settings: { method: 'random-class', eps: 0.1, ratio: 1, seed: 7 },
      poisonedCount: 200,
    });
    expect(run.poison!.norms.linfMax).toBeLessThanOrEqual(0.1 + 1e-6);
    expect(run.poison!.norms.linfMax).toBeGreaterThan(0.05);
    expect(typeof run.poison!.seconds).toBe('number');
    expect(run.sal).toBeDefined();
    const sal = run.sal!;
    expect(sal.settings).toEqual({
      eps: 0.05,
      lr: 0.1,
      rounds: 1,
      batchSize: 128,
      subsetSize: 64,
      l0Mode: 'inference',
    });
    expect(sal.layers).toEqual(['conv1', 'conv2', 'dense1']);
    for (const m of [sal.values, sal.up, sal.down]) {
      expect(m).toHaveLength(1);
      expect(m[0]).toHaveLength(3);
      m[0]!.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    }
    expect(sal.l0).toHaveLength(1);
    expect(run.salSeconds).toHaveLength(1);
  });
});

describe('bad poison flags: one line naming the flag, exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['no method', ['poison', '--out', 'x'], /--method M is required/],
    [
      'unknown method',
      ['poison', '--method', 'foo', '--out', 'x'],
      /--method must be one of random, random-class/,
    ],
    [
      'L-inf eps above 1',
      ['poison', '--method', 'em', '--eps', '2', '--out', 'x'],
      /--eps of em is an L-inf budget .* at most 1 \(got "2"\)/,
    ],
    [
      'negative eps',
      ['poison', '--method', 'lsp', '--eps', '-1', '--out', 'x'],
      /--eps must be >= 0/,
    ],
    [
      'fractional L0 budget',
      ['poison', '--method', 'ops', '--eps', '1.5', '--out', 'x'],
      /--eps of ops counts pixels/,
    ],
    [
      'eps not a number',
      ['poison', '--method', 'em', '--eps', 'big', '--out', 'x'],
      /--eps must be a number \(got "big"\)/,
    ],
    [
      'ratio above 100%',
      ['poison', '--method', 'random', '--ratio', '150%', '--out', 'x'],
      /--ratio must be a fraction from 0 to 1 or a percentage/,
    ],
    [
      'bad poison seed',
      ['poison', '--method', 'random', '--poison-seed', '1.5', '--out', 'x'],
      /--poison-seed must be an integer/,
    ],
    [
      'tap without a clean run',
      ['poison', '--method', 'tap', '--out', 'x'],
      /--method tap attacks a trained clean model: pass --surrogate-run DIR/,
    ],
    ['poison without --out', ['poison', '--method', 'random'], /--out DIR is required/],
    [
      'unknown flag',
      ['poison', '--method', 'random', '--budget', '1'],
      /unknown flag --budget for "poison"/,
    ],
    [
      'train --eps without --poison',
      ['train', '--eps', '0.1', '--out', 'x'],
      /--eps is a poison setting: add --poison M/,
    ],
    [
      'train unknown poison',
      ['train', '--poison', 'nope', '--out', 'x'],
      /--poison must be one of random/,
    ],
    [
      'train --sal-eps without --sal',
      ['train', '--sal-eps', '0.1', '--out', 'x'],
      /--sal-eps is a SAL setting: add --sal/,
    ],
    [
      'train bad --sal-rounds',
      ['train', '--sal', '--sal-rounds', '0', '--out', 'x'],
      /--sal-rounds must be an integer from 1 to 100 \(got 0\)/,
    ],
    [
      'train bad --sal-eps',
      ['train', '--sal', '--sal-eps', '2', '--out', 'x'],
      /--sal-eps must be a number > 0 and <= 1 \(got 2\)/,
    ],
  ];
  it.each(cases)('%s', async (_, args, message) => {
    const r = await inProcess(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^salscape: /);
    expect(r.stderr).toMatch(message);
  });

  it('through the launcher too', async () => {
    const r = await cli(['poison', '--method', 'em', '--eps', '2', '--out', path.join(tmp, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--eps of em is an L-inf budget/);
    expect(existsSync(path.join(tmp, 'x'))).toBe(false);
  });

  it('poison --help lists the flags and every method', async () => {
    const r = await inProcess(['poison', '--help']);
    expect(r.code).toBe(0);
    for (const f of [
      'method',
      'dataset',
      'eps',
      'ratio',
      'seed',
      'train-size',
      'surrogate-run',
      'out',
      'json',
    ]) {
      expect(r.stdout).toContain(`--${f}`);
    }
    for (const m of ['random-class', 'lsp', 'ar', 'ops', 'cuda', 'em-class', 'tap', 'sep', 'rem']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${m} `, 'm'));
    }
  });
});
