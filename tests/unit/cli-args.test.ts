import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inProcess } from './helpers/cli';
import { COMMANDS } from '../../src/cli/commands/index';
import { formatFlags, parseFlags, UsageError } from '../../src/cli/args';
import { TRAIN_CONFIG_FLAGS, trainConfigFromFlags } from '../../src/cli/train-flags';
import {
  readCheckpoint,
  readCheckpointIndex,
  snapshotBytes,
  writeCheckpoints,
} from '../../src/cli/checkpoints';
import { defaultTrainConfig } from '../../src/core/train-config';
import type { WeightSnapshot } from '../../src/core/weights';

describe('train flags', () => {
  it('no flags give TRAIN_DEFAULTS', () => {
    expect(trainConfigFromFlags({})).toEqual(defaultTrainConfig());
  });

  it('maps every flag to its config field', () => {
    const c = trainConfigFromFlags({
      dataset: 'fashion',
      model: 'lenet5',
      'train-size': '500',
      'test-size': '200',
      epochs: '3',
      batch: '64',
      lr: '1e-2',
      momentum: '0',
      'weight-decay': '0.001',
      seed: '42',
    });
    expect(c).toEqual({
      dataset: 'fashion',
      model: 'lenet5',
      trainSize: 500,
      testSize: 200,
      epochs: 3,
      batchSize: 64,
      lr: 0.01,
      momentum: 0,
      weightDecay: 0.001,
      seed: 42,
    });
  });

  const bad: [Record<string, string>, string][] = [
    [{ dataset: 'cifar' }, '--dataset must be one of mnist, fashion (got "cifar")'],
    [{ 'train-size': '5' }, '--train-size must be an integer from 10 to 60000 (got 5)'],
    [{ 'test-size': '20000' }, '--test-size must be an integer from 10 to 10000 (got 20000)'],
    [{ batch: '0x10' }, '--batch must be a number (got "0x10")'],
    [{ batch: '' }, '--batch must be a number (got "")'],
    [{ momentum: '1' }, '--momentum must be a number from 0 to 0.999 (got 1)'],
    [{ 'weight-decay': '-0.1' }, '--weight-decay must be a number from 0 to 0.1 (got -0.1)'],
    [{ seed: '1.5' }, '--seed must be an integer from 0 to 2147483647 (got 1.5)'],
    [{ lr: '-1' }, '--lr must be a number > 0 and <= 10 (got -1)'],
  ];
  it.each(bad)('%j: %s', (values, message) => {
    expect(() => trainConfigFromFlags(values)).toThrow(new UsageError(message));
  });

  it('parseFlags takes a negative number as a value, and strict parsing otherwise', () => {
    expect(parseFlags('train', ['--lr', '-0.5'], TRAIN_CONFIG_FLAGS).values.lr).toBe('-0.5');
    expect(() => parseFlags('train', ['--lr', '-x'], TRAIN_CONFIG_FLAGS)).toThrow(
      /--lr needs a value/,
    );
    expect(() => parseFlags('train', ['--nope'], TRAIN_CONFIG_FLAGS)).toThrow(
      /unknown flag --nope/,
    );
    expect(() => parseFlags('train', ['-q'], TRAIN_CONFIG_FLAGS)).toThrow(/unknown flag -q/);
  });

  it('formatFlags aligns one line per flag with defaults', () => {
    const lines = formatFlags(TRAIN_CONFIG_FLAGS).split('\n');
    expect(lines).toHaveLength(Object.keys(TRAIN_CONFIG_FLAGS).length + 1);
    expect(lines[0]).toMatch(/^ {2}--dataset mnist\|fashion +data set \(default mnist\)$/);
  });
});

describe('main', () => {
  it('every command has a summary and a usage text', () => {
    for (const c of Object.values(COMMANDS)) {
      expect(c.summary.length).toBeGreaterThan(0);
      expect(c.usage()).toMatch(/^Usage: salscape /);
    }
  });

  it("help <command> prints that command's usage", async () => {
    const r = await inProcess(['help', 'train']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: salscape train/);
  });

  it.each([
    [['toString'], /unknown command "toString"/],
    [['--verbose'], /unknown flag --verbose before the command/],
    [['help', 'fly'], /unknown command "fly"/],
    [
      ['train', '--epochs', '0', '--out', 'x'],
      /--epochs must be an integer from 1 to 100 \(got 0\)/,
    ],
  ])('%j exits 2', async (argv, message) => {
    const r = await inProcess(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});

describe('checkpoint files', () => {
  const snap = (v: number): WeightSnapshot => ({
    names: ['a/kernel', 'a/bias'],
    shapes: [[2, 3], [3]],
    data: [Float32Array.from([1, 2, 3, 4, 5, v]), Float32Array.from([-1.5, 0, v])],
  });

  it('stores float32 little-endian, tensors concatenated in order', () => {
    const bytes = snapshotBytes(snap(0.25));
    expect(bytes.length).toBe(9 * 4);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getFloat32(0, true)).toBe(1);
    expect(view.getFloat32(6 * 4, true)).toBe(-1.5);
    expect(view.getFloat32(8 * 4, true)).toBe(0.25);
  });

  it('round-trips through index.json and epoch files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'salscape-ckpt-'));
    try {
      await writeCheckpoints(dir, 'cnn-s', [snap(1), snap(2), snap(3)]);
      // A shorter later run in the same folder leaves no stale epoch files.
      await writeCheckpoints(dir, 'cnn-s', [snap(7), snap(8)]);
      const index = await readCheckpointIndex(dir);
      expect(index).toMatchObject({
        version: 1,
        dtype: 'float32',
        byteOrder: 'little-endian',
        offsets: [0, 6],
        floatsPerFile: 9,
      });
      expect(index.files).toEqual([
        { epoch: 0, file: 'epoch-000.bin' },
        { epoch: 1, file: 'epoch-001.bin' },
      ]);
      expect(JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')).format).toMatch(
        /little-endian/,
      );
      expect(await readCheckpoint(dir, 1)).toEqual(snap(8));
      await expect(readCheckpoint(dir, 2)).rejects.toThrow(/no checkpoint for epoch 2/);
      await expect(readFile(path.join(dir, 'epoch-002.bin'))).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
