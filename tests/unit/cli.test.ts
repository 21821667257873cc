import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, REPO } from './helpers/cli';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useBackend } from './helpers/tf';
import { readCheckpoint, readCheckpointIndex } from '../../src/cli/checkpoints';
import { readModelDir } from '../../src/cli/model-dir';

let tmp: string;
beforeAll(async () => {
  if (!existsSync(path.join(REPO, 'public/data/mnist/manifest.json'))) {
    const { prepareAll } = await import('../../scripts/prepare-data');
    await prepareAll({ log: () => {} });
  }
  tmp = await mkdtemp(path.join(tmpdir(), 'salscape-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('salscape command line errors (exit 2, one line naming the flag)', () => {
  // More messages are checked in-process in cli-args.test.ts; these go through the launcher.
  const cases: [string, string[], RegExp][] = [
    ['unknown flag', ['train', '--foo', '1'], /unknown flag --foo/],
    [
      'bad model',
      ['train', '--model', 'foo', '--out', 'x'],
      /--model must be one of cnn-s, vgg-s, lenet5, mlp, resnet-s \(got "foo"\)/,
    ],
    [
      'negative epochs',
      ['train', '--epochs', '-1', '--out', 'x'],
      /--epochs must be an integer from 1 to 100 \(got -1\)/,
    ],
    ['missing value', ['train', '--out', 'x', '--batch'], /--batch needs a value/],
    ['unknown command', ['fly'], /unknown command "fly"/],
  ];
  it.each(cases)('%s', async (_, args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^salscape: /);
    expect(r.stderr).toMatch(message);
  });

  it('refuses to write into a non-empty folder that is not a run', async () => {
    const dir = path.join(tmp, 'busy');
    await mkdir(dir);
    await writeFile(path.join(dir, 'notes.txt'), 'mine');
    const r = await cli(['train', '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*busy is a non-empty folder without run\.json/);
  });
});

describe('salscape help', () => {
  it('--help prints the usage', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: salscape <command>/);
    expect(r.stdout).toMatch(/\btrain\b/);
  });

  it('train --help lists every flag with its default', async () => {
    const r = await cli(['train', '--help']);
    expect(r.code).toBe(0);
    for (const f of [
      'dataset',
      'model',
      'train-size',
      'test-size',
      'epochs',
      'batch',
      'lr',
      'momentum',
      'weight-decay',
      'seed',
      'backend',
      'out',
      'json',
    ]) {
      expect(r.stdout).toContain(`--${f}`);
    }
    expect(r.stdout).toContain('(default 0.05)');
  });

  it('no command: usage on stderr, exit 2', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: salscape/);
  });
});

describe('salscape train', () => {
  it('a tiny run writes run.json, the model and checkpoints; --json prints one line', async () => {
    const out = path.join(tmp, 'run');
    const r = await cli([
      'train',
      '--train-size',
      '200',
      '--test-size',
      '100',
      '--epochs',
      '1',
      '--json',
      '--out',
      out,
    ]);
    expect(r.stderr).toMatch(/epoch 1\/1 +train loss/);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!) as Record<string, unknown>;
    // 7 steps of cnn-s do not leave the uniform guess: this run is marked, and says why.
    expect(summary.didNotTrain).toBe(true);
    expect(summary.didNotTrainReason).toMatch(/chance/);
    expect(Object.keys(summary).sort()).toEqual(
      [
        'backend',
        'didNotTrain',
        'didNotTrainReason',
        'epochs',
        'examplesPerSec',
        'out',
        'seconds',
        'testAcc',
        'testLoss',
        'trainAcc',
        'trainLoss',
      ].sort(),
    );
    expect(summary.testAcc).toBeGreaterThanOrEqual(0);
    expect(summary.testAcc).toBeLessThanOrEqual(1);
    expect(summary).toMatchObject({ epochs: 1, backend: 'wasm', out });

    const run = JSON.parse(await readFile(path.join(out, 'run.json'), 'utf8'));
    expect(run).toMatchObject({
      version: 1,
      backend: 'wasm',
      config: { trainSize: 200, testSize: 100, epochs: 1, model: 'cnn-s' },
    });
    expect(run.metrics).toHaveLength(1);
    expect(run.metrics[0].testAcc).toBe(summary.testAcc);
    // The detector's verdict, the same in the summary and the record.
    expect(run.didNotTrain).toBe(true);
    expect(run.didNotTrainReason).toBe(summary.didNotTrainReason);
    expect(Number.isNaN(Date.parse(run.createdAt))).toBe(false);

    for (const f of [
      'model/model.json',
      'model/weights.bin',
      'checkpoints/index.json',
      'checkpoints/epoch-000.bin',
      'checkpoints/epoch-001.bin',
    ]) {
      expect(existsSync(path.join(out, f)), f).toBe(true);
    }
    // The final checkpoint and the exported model hold the same weights.
    await useBackend('wasm');
    const ckDir = path.join(out, 'checkpoints');
    const index = await readCheckpointIndex(ckDir);
    expect(index.files.map((f) => f.file)).toEqual(['epoch-000.bin', 'epoch-001.bin']);
    expect(index.names[0]).toBe('conv1/kernel');
    const last = await readCheckpoint(ckDir, 1, index);
    const { spec, snapshot } = await readModelDir(path.join(out, 'model'));
    expect(spec.id).toBe('cnn-s');
    snapshot.data.forEach((d, i) => expect(d).toEqual(last.data[i]));
  });

  it('a diverging run prints its message and exits 1, from any working directory', async () => {
    const r = await cli(
      [
        'train',
        '--model',
        'vgg-s',
        '--lr',
        '10',
        '--momentum',
        '0.99',
        '--train-size',
        '500',
        '--test-size',
        '100',
        '--epochs',
        '1',
        '--json',
        '--out',
        'diverged',
      ],
      tmp,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/salscape: Training diverged/);
  });
});
