import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import type { ImageSet } from '../../src/core/dataset';
import { Rng } from '../../src/core/rng';
import {
  DEFENCE_IDS,
  DefenceSettingsSchema,
  defaultDefence,
  describeDefence,
  type DefenceSettings,
} from '../../src/core/defence-types';
import { defaultTrainConfig, type TrainConfig } from '../../src/core/train-config';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { applyDataDefence } from '../../src/ml/defences';
import { pgdAttack } from '../../src/ml/defences/adv';
import { reduceBitDepth } from '../../src/ml/defences/bitdepth';
import { gaussianBlur } from '../../src/ml/defences/blur';
import { cutoutMask, cutoutTransform } from '../../src/ml/defences/cutout';
import { toGrayscale } from '../../src/ml/defences/grayscale';
import { jpegRoundTrip } from '../../src/ml/defences/jpeg';
import { nodeJpegCodec } from '../../src/ml/defences/jpeg-node';
import { mixupDraw, mixupLoss, sampleBeta } from '../../src/ml/defences/mixup';
import { runExperiment } from '../../src/ml/experiment/run-experiment';
import { crossEntropy, forward } from '../../src/ml/models/forward';
import { initSnapshot, snapshotToTensors } from '../../src/ml/models/params';
import { buildSpec } from '../../src/ml/models/zoo';
import { selectRunData } from '../../src/ml/train/run-training';
import { parseToWorker } from '../../src/workers/protocol';
import { defenceFromFlags } from '../../src/cli/defence-flags';
import { UsageError } from '../../src/cli/args';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

beforeAll(async () => {
  await useBackend('wasm');
});

/** `count` seeded noisy images (h x w x c). */
function noisySet(count: number, h = 16, w = 16, c = 1, seed = 3): ImageSet {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * h * w * c);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
  return {
    images,
    labels: Uint8Array.from({ length: count }, (_, i) => i % 2),
    count,
    height: h,
    width: w,
    channels: c,
    numClasses: 2,
    classNames: ['a', 'b'],
  };
}

const flatSet = (v: number, count = 2, h = 16, w = 16, c = 1): ImageSet => ({
  ...noisySet(count, h, w, c),
  images: new Uint8Array(count * h * w * c).fill(v),
});

const DATA_DEFENCES: DefenceSettings[] = [
  { id: 'jpeg', quality: 10 },
  { id: 'bitdepth', bits: 2 },
  { id: 'blur', sigma: 1 },
  { id: 'grayscale' },
];

describe('defence settings', () => {
  it('every default is valid and described', () => {
    for (const id of DEFENCE_IDS) {
      expect(DefenceSettingsSchema.safeParse(defaultDefence(id)).success).toBe(true);
      expect(describeDefence(defaultDefence(id)).length).toBeGreaterThan(0);
    }
    expect(defaultDefence('adv')).toEqual({ id: 'adv', eps: 0.1, steps: 3, stepSize: 0.05 });
    expect(DefenceSettingsSchema.safeParse({ id: 'jpeg', quality: 0 }).success).toBe(false);
    expect(DefenceSettingsSchema.safeParse({ id: 'bitdepth', bits: 9 }).success).toBe(false);
  });

  it('the worker protocol validates the defence', () => {
    const base = {
      type: 'train',
      runId: 'r',
      config: defaultTrainConfig(),
      poison: null,
      sal: null,
      surrogateRunId: null,
    };
    expect(parseToWorker({ ...base, defence: { id: 'blur', sigma: 1 } })).toMatchObject({
      defence: { id: 'blur', sigma: 1 },
    });
    expect(() => parseToWorker({ ...base, defence: { id: 'blur', sigma: -1 } })).toThrow(/defence/);
    expect(() => parseToWorker(base)).toThrow(/defence/);
  });
});

describe('defence flags', () => {
  it('build checked settings with defaults and the flag values', () => {
    expect(defenceFromFlags({})).toBeNull();
    expect(defenceFromFlags({ defence: 'jpeg' })).toEqual({ id: 'jpeg', quality: 10 });
    expect(defenceFromFlags({ defence: 'jpeg', 'jpeg-quality': '30' })).toEqual({
      id: 'jpeg',
      quality: 30,
    });
    expect(defenceFromFlags({ defence: 'adv', 'adv-eps': '0.2', 'adv-steps': '2' })).toEqual({
      id: 'adv',
      eps: 0.2,
      steps: 2,
      stepSize: 0.1,
    });
  });

  it.each([
    [{ defence: 'fog' }, /--defence must be one of jpeg, bitdepth/],
    [{ defence: 'jpeg', 'jpeg-quality': '0' }, /--jpeg-quality must be an integer from 1 to 100/],
    [{ defence: 'bitdepth', bits: '2.5' }, /--bits must be an integer from 1 to 8/],
    [{ defence: 'blur', 'blur-sigma': '-1' }, /--blur-sigma must be a number above 0/],
    [{ defence: 'adv', 'adv-eps': '2' }, /--adv-eps must be a number above 0, at most 1/],
    [{ 'mixup-alpha': '1' }, /--mixup-alpha is a mixup setting: add --defence mixup/],
    [{ defence: 'blur', cutout: '4' }, /--cutout is a cutout setting, not one of --defence blur/],
  ] as const)('%o is a usage error naming the flag', (values, message) => {
    expect(() => defenceFromFlags(values)).toThrow(UsageError);
    expect(() => defenceFromFlags(values)).toThrow(message);
  });

  it('the launcher exits 2 on a bad defence value', () => {
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    const r = spawnSync(
      process.execPath,
      ['bin/salscape.mjs', 'train', '--defence', 'jpeg', '--jpeg-quality', '101', '--out', 'x'],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^salscape: --jpeg-quality must be an integer from 1 to 100/);
  }, 30_000);
});

describe('data defences', () => {
  it('are deterministic and keep shape, labels and byte range', async () => {
    for (const c of [1, 3]) {
      const set = noisySet(4, 12, 10, c);
      for (const d of DATA_DEFENCES) {
        const a = (await applyDataDefence(set, d, { jpeg: nodeJpegCodec })).set;
        const b = (await applyDataDefence(set, d, { jpeg: nodeJpegCodec })).set;
        expect(a.images).toEqual(b.images);
        expect(a.images.length).toBe(set.images.length);
        expect([a.count, a.height, a.width, a.channels]).toEqual([4, 12, 10, c]);
        expect(a.labels).toEqual(set.labels);
        expect(a.images).toBeInstanceOf(Uint8Array);
        expect(a.images).not.toBe(set.images);
      }
    }
  });

  it('bit depth 1 gives only 0 and 255; 8 bits is the identity', () => {
    const set = noisySet(3);
    expect(new Set(reduceBitDepth(set, 1).images)).toEqual(new Set([0, 255]));
    expect(new Set(reduceBitDepth(set, 2).images)).toEqual(new Set([0, 85, 170, 255]));
    expect(reduceBitDepth(set, 8).images).toEqual(set.images);
  });

  it('blur leaves a constant image unchanged and spreads a single bright pixel', () => {
    expect(gaussianBlur(flatSet(77, 1, 9, 9, 3), 1.5).images).toEqual(
      flatSet(77, 1, 9, 9, 3).images,
    );
    const dot = flatSet(0, 1, 9, 9);
    dot.images[4 * 9 + 4] = 255;
    const out = gaussianBlur(dot, 1).images;
    expect(out[4 * 9 + 4]).toBeLessThan(255);
    expect(out[4 * 9 + 4]).toBeGreaterThan(0);
    expect(out[4 * 9 + 5]).toBeGreaterThan(0);
    expect(out[4 * 9 + 4]).toBe(Math.max(...out));
  });

  it('grayscale turns colour grey and is a no-op with a note on grey data', () => {
    const grey = noisySet(2);
    const g = toGrayscale(grey);
    expect(g.set.images).toEqual(grey.images);
    expect(g.note).toMatch(/grey already/);
    const colour = toGrayscale(noisySet(2, 4, 4, 3));
    expect(colour.note).toBeNull();
    for (let p = 0; p < colour.set.images.length; p += 3) {
      expect(colour.set.images[p + 1]).toBe(colour.set.images[p]);
      expect(colour.set.images[p + 2]).toBe(colour.set.images[p]);
    }
  });

  it('JPEG (jpeg-js) changes a noisy image and keeps a flat one nearly unchanged', async () => {
    const noisy = noisySet(2, 16, 16);
    const jn = await jpegRoundTrip(noisy, 10, nodeJpegCodec);
    let diff = 0;
    for (let i = 0; i < noisy.images.length; i++)
      diff += Math.abs(jn.images[i]! - noisy.images[i]!);
    expect(diff / noisy.images.length).toBeGreaterThan(20);
    const flat = flatSet(128, 1, 16, 16, 3);
    const jf = await jpegRoundTrip(flat, 10, nodeJpegCodec);
    for (const v of jf.images) expect(Math.abs(v - 128)).toBeLessThanOrEqual(2);
  });

  it('JPEG mosaics give the same bytes as encoding each image alone (jpeg-js)', async () => {
    const set = noisySet(5, 28, 28, 1, 9);
    const all = await jpegRoundTrip(set, 25, nodeJpegCodec);
    for (let n = 0; n < set.count; n++) {
      const one = await jpegRoundTrip(
        { ...set, count: 1, images: set.images.slice(n * 784, (n + 1) * 784) },
        25,
        {
          // A lone image, unpadded: the encoder pads it itself.
          roundTrip: (rgba, w, h, q) => {
            const src = new Uint8Array(28 * 28 * 4);
            for (let y = 0; y < 28; y++)
              src.set(rgba.subarray(y * w * 4, y * w * 4 + 112), y * 112);
            const dec = nodeJpegCodec.roundTrip(src, 28, 28, q) as Uint8Array;
            const out = new Uint8Array(w * h * 4);
            for (let y = 0; y < 28; y++) out.set(dec.subarray(y * 112, (y + 1) * 112), y * w * 4);
            return out;
          },
        },
      );
      expect(all.images.subarray(n * 784, (n + 1) * 784)).toEqual(one.images);
    }
  });

  it('JPEG without a codec fails with a clear message', async () => {
    await expect(applyDataDefence(noisySet(1), { id: 'jpeg', quality: 10 })).rejects.toThrow(
      /codec/,
    );
  });
});

describe('loop defences', () => {
  it('cutout zeroes exactly one size x size square per image, seeded', () => {
    const [n, h, w, s] = [5, 12, 10, 4];
    const m = cutoutMask(n, h, w, s, new Rng(7));
    expect(cutoutMask(n, h, w, s, new Rng(7))).toEqual(m);
    for (let i = 0; i < n; i++) {
      const zeros: [number, number][] = [];
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) if (m[(i * h + y) * w + x] === 0) zeros.push([y, x]);
      expect(zeros).toHaveLength(s * s);
      const ys = zeros.map((z) => z[0]);
      const xs = zeros.map((z) => z[1]);
      expect(Math.max(...ys) - Math.min(...ys)).toBe(s - 1);
      expect(Math.max(...xs) - Math.min(...xs)).toBe(s - 1);
    }
  });

  it('the cutout transform masks every channel and frees its tensors', () => {
    const before = tf.memory().numTensors;
    const xb = tf.ones([3, 8, 8, 2]) as tf.Tensor4D;
    const yb = tf.tensor1d([0, 1, 0], 'int32');
    const out = tf.tidy(() => {
      const t = cutoutTransform(3, 1)(xb, yb, { epoch: 1, step: 0, weights: [] });
      return tf.sum(t.x).dataSync()[0];
    });
    expect(out).toBe(3 * 2 * (64 - 9));
    tf.dispose([xb, yb]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("mixup's loss is lambda CE(y) + (1 - lambda) CE(y_perm) by hand", () => {
    const logits = tf.tensor2d([
      [2, 0, -1],
      [0.5, 1.5, 0],
    ]);
    const y = tf.tensor1d([0, 1], 'int32');
    const yp = tf.tensor1d([2, 0], 'int32');
    const lam = 0.3;
    const got = mixupLoss(logits, y, yp, lam).dataSync()[0]!;
    const lse = (r: number[]) => Math.log(r.reduce((a, v) => a + Math.exp(v), 0));
    const rows = [
      [2, 0, -1],
      [0.5, 1.5, 0],
    ];
    const ce = (labels: number[]) =>
      labels.reduce((a, l, i) => a + lse(rows[i]!) - rows[i]![l]!, 0) / labels.length;
    expect(got).toBeCloseTo(lam * ce([0, 1]) + (1 - lam) * ce([2, 0]), 5);
    tf.dispose([logits, y, yp]);
  });

  it('mixup draws are seeded and Beta(1, 1) has mean 1/2', () => {
    expect(mixupDraw(1, 8, 5, 1, 2)).toEqual(mixupDraw(1, 8, 5, 1, 2));
    expect(mixupDraw(1, 8, 5, 1, 2).lambda).not.toBe(mixupDraw(1, 8, 5, 1, 3).lambda);
    const rng = new Rng(1);
    let sum = 0;
    for (let i = 0; i < 4000; i++) {
      const b = sampleBeta(1, rng);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThanOrEqual(1);
      sum += b;
    }
    expect(sum / 4000).toBeCloseTo(0.5, 1);
  });

  it('PGD stays within eps and [0, 1], takes the asked steps and raises the loss', () => {
    const spec = buildSpec('cnn-s', [28, 28, 1], 10);
    const weights = snapshotToTensors(initSnapshot(spec, 1));
    const before = tf.memory().numTensors;
    const set = noisySet(4, 28, 28, 1);
    let steps = 0;
    const [maxDev, inRange, l0, l1] = tf.tidy(() => {
      const x = tf.tensor4d(
        Float32Array.from(set.images, (v) => v / 255),
        [4, 28, 28, 1],
      );
      const y = tf.tensor1d([0, 1, 2, 3], 'int32');
      const adv = pgdAttack(spec, weights, x, y, { eps: 0.1, steps: 4, stepSize: 0.05 }, () => {
        steps++;
      });
      return [
        tf.max(tf.abs(tf.sub(adv, x))).dataSync()[0]!,
        tf.all(tf.logicalAnd(tf.greaterEqual(adv, 0), tf.lessEqual(adv, 1))).dataSync()[0]!,
        crossEntropy(forward(spec, weights, x), y).dataSync()[0]!,
        crossEntropy(forward(spec, weights, adv), y).dataSync()[0]!,
      ];
    });
    expect(steps).toBe(4);
    expect(maxDev).toBeLessThanOrEqual(0.1 + 1e-6);
    expect(maxDev).toBeGreaterThan(0.05);
    expect(inRange).toBe(1);
    expect(l1).toBeGreaterThan(l0);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(weights);
  });
});

describe('defended training', () => {
  let train: ImageSet;
  let test: ImageSet;
  beforeAll(async () => {
    [train, test] = await Promise.all([
      loadDatasetNode('mnist', 'train'),
      loadDatasetNode('mnist', 'test'),
    ]);
  });
  const config: TrainConfig = {
    ...defaultTrainConfig(),
    model: 'cnn-s',
    trainSize: 300,
    testSize: 100,
    epochs: 1,
    batchSize: 32,
    seed: 1,
  };

  it.each(DEFENCE_IDS.map((id) => [id]))(
    '%s: cnn-s, 300 images, 1 epoch, runs end to end and leaks no tensors',
    async (id) => {
      const data = selectRunData(config, train, test);
      const defence =
        id === 'adv' ? { ...defaultDefence('adv'), steps: 1 } : defaultDefence(id as 'jpeg');
      const before = tf.memory().numTensors;
      const r = await runExperiment(
        { config, poison: null, sal: null, defence },
        data,
        {},
        { jpeg: nodeJpegCodec },
      );
      expect(tf.memory().numTensors).toBe(before);
      expect(r.metrics).toHaveLength(1);
      expect(Number.isFinite(r.metrics[0]!.trainLoss)).toBe(true);
      expect(r.defence?.settings).toEqual(defence);
      expect(r.metrics[0]!.testAcc).toBeGreaterThanOrEqual(0);
    },
    60_000,
  );
});
