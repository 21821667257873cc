/** `salscape landscape` on a saved model: the surface JSON, the directions file, flag errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, ensureData, inProcess, REPO } from './helpers/cli';
import { useBackend } from './helpers/tf';
import { writeModelDir } from '../../src/cli/model-dir';
import { initSnapshot } from '../../src/ml/models/params';
import { buildSpec } from '../../src/ml/models/zoo';
import { shapeSize } from '../../src/core/weights';

const MNIST = path.join(REPO, 'public/data/mnist');
const IMAGES = path.join(MNIST, 't10k-images-idx3-ubyte');
const LABELS = path.join(MNIST, 't10k-labels-idx1-ubyte');
const spec = buildSpec('cnn-s');
const weights = initSnapshot(spec, 21);
let tmp: string;
let modelDir: string;

beforeAll(async () => {
  await ensureData();
  await useBackend('wasm');
  tmp = await mkdtemp(path.join(tmpdir(), 'salscape-cli-landscape-'));
  modelDir = path.join(tmp, 'model');
  await writeModelDir(modelDir, spec, weights);
  await mkdir(path.join(tmp, 'empty'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

type Nested = number | Nested[];
const shapeOf = (a: Nested): number[] => (Array.isArray(a) ? [a.length, ...shapeOf(a[0]!)] : []);
const flat = (a: Nested): number[] => (Array.isArray(a) ? a.flatMap(flat) : [a]);

describe('salscape landscape', () => {
  it('writes {xs, ys, loss, acc} row-major and the directions in each kernel\u2019s shape', async () => {
    const out = path.join(tmp, 'surface.json');
    const dirsFile = path.join(tmp, 'dirs', 'directions.json');
    const r = await cli([
      'landscape',
      '--model',
      modelDir,
      '--images',
      IMAGES,
      '--labels',
      LABELS,
      '--limit',
      '100',
      '--grid',
      '5',
      '--range',
      '0.5',
      '--seed',
      '3',
      '--export-directions',
      dirsFile,
      '--out',
      out,
      '--json',
    ]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim()) as Record<string, unknown>;
    expect(summary).toMatchObject({ model: 'cnn-s', images: 100, grid: 5, range: 0.5, seed: 3 });

    const s = JSON.parse(await readFile(out, 'utf8')) as Record<string, number[]>;
    expect(Object.keys(s)).toEqual(['xs', 'ys', 'loss', 'acc']);
    expect(s.xs).toEqual([-0.5, -0.25, 0, 0.25, 0.5]);
    expect(s.ys).toEqual(s.xs);
    expect(s.loss).toHaveLength(25);
    expect(s.acc).toHaveLength(25);
    s.loss!.forEach((v) => expect(v).toBeGreaterThan(0));
    s.acc!.forEach((v) => expect(v >= 0 && v <= 1).toBe(true));
    expect(s.loss![12]).toBeCloseTo(summary.centreLoss as number, 5);
    expect(new Set(s.loss).size).toBeGreaterThan(1);

    const dirs = JSON.parse(await readFile(dirsFile, 'utf8')) as Record<string, [Nested, Nested]>;
    expect(Object.keys(dirs)).toEqual(weights.names);
    weights.names.forEach((name, i) => {
      const shape = weights.shapes[i]!;
      const [d1, d2] = dirs[name]!;
      expect(shapeOf(d1)).toEqual(shape);
      expect(shapeOf(d2)).toEqual(shape);
      const v1 = flat(d1);
      expect(v1).toHaveLength(shapeSize(shape));
      if (shape.length === 1) {
        expect(v1.every((v) => v === 0)).toBe(true); // biases fixed by default
        return;
      }
      expect(flat(d2)).not.toEqual(v1);
      // Filter f of a TF.js kernel is the last-axis slice: its norm is the weight filter's.
      const out = shape[shape.length - 1]!;
      const w = weights.data[i]!;
      for (let f = 0; f < out; f++) {
        let dn = 0;
        let wn = 0;
        for (let e = f; e < w.length; e += out) {
          dn += v1[e]! ** 2;
          wn += w[e]! ** 2;
        }
        expect(Math.sqrt(dn) / Math.sqrt(wn)).toBeCloseTo(1, 4);
      }
    });
  });

  it('--include-biases moves the biases along themselves; the same seed gives the same kernels', async () => {
    const run = async (name: string, extra: string[]) => {
      const file = path.join(tmp, `${name}.json`);
      const r = await cli([
        'landscape',
        '--model',
        modelDir,
        '--images',
        IMAGES,
        '--labels',
        LABELS,
        '--limit',
        '32',
        '--grid',
        '5',
        '--seed',
        '3',
        ...extra,
        '--export-directions',
        file,
        '--out',
        path.join(tmp, `${name}-surface.json`),
      ]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(await readFile(file, 'utf8')) as Record<string, [Nested, Nested]>;
    };
    const [plain, withBiases] = await Promise.all([
      run('plain', []),
      run('biases', ['--include-biases']),
    ]);
    weights.names.forEach((name, i) => {
      if (weights.shapes[i]!.length > 1) {
        expect(withBiases[name]).toEqual(plain[name]);
        return;
      }
      expect(flat(plain[name]![0]).every((v) => v === 0)).toBe(true);
      const expected = Array.from(weights.data[i]!);
      expect(flat(withBiases[name]![0])).toEqual(expected);
      expect(flat(withBiases[name]![1])).toEqual(expected);
    });
  });

  const base = ['landscape', '--model', 'm', '--images', 'i', '--labels', 'l', '--out', 'o'];
  const bad: [string, string[], RegExp][] = [
    ['no out', base.slice(0, -2), /--out is required/],
    [
      'grid too small',
      [...base, '--grid', '3'],
      /--grid must be an integer from 5 to 101 \(got 3\)/,
    ],
    ['grid not a number', [...base, '--grid', 'big'], /--grid must be a number \(got "big"\)/],
    ['range 0', [...base, '--range', '0'], /--range must be a number > 0 and <= 10 \(got 0\)/],
    ['negative seed', [...base, '--seed', '-1'], /--seed must be an integer from 0 to 4294967295/],
    ['bad backend', [...base, '--backend', 'gpu'], /--backend must be one of wasm, cpu/],
    ['unknown flag', ['landscape', '--gird', '5'], /unknown flag --gird for "landscape"/],
  ];
  it.each(bad)('%s: exit 2 naming the flag', async (_, args, message) => {
    const r = await inProcess(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('a folder without model.json: exit 2 naming --model', async () => {
    const r = await inProcess([
      ...base.slice(0, 1),
      '--model',
      path.join(tmp, 'empty'),
      ...base.slice(3),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--model .* has no model\.json/);
  });
});
