import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { selectSubset, stratifiedSubset, type ImageSet } from '../../src/core/dataset';
import { Rng } from '../../src/core/rng';
import { linfByteRadius, scaleToL2 } from '../../src/core/perturbation';
import {
  POISON_METHODS,
  type PoisonMethodId,
  type PoisonResult,
  type PoisonSettings,
} from '../../src/core/poison-types';
import { POISONS } from '../../src/ml/poisons';
import { arCoefficients, arSample } from '../../src/ml/poisons/ar';
import { blurChannel } from '../../src/ml/poisons/cuda';
import { opsPixels } from '../../src/ml/poisons/ops';
import { CancelledError } from '../../src/ml/train/train-loop';

const MODEL_FREE: PoisonMethodId[] = ['random', 'random-class', 'lsp', 'ar', 'ops', 'cuda'];

let set: ImageSet;
beforeAll(async () => {
  await useBackend('wasm');
  const train = await loadDatasetNode('mnist', 'train');
  set = selectSubset(train, stratifiedSubset(train.labels, 10, 300, new Rng(11)));
});

const settingsFor = (method: PoisonMethodId, over: Partial<PoisonSettings> = {}) => ({
  method,
  eps: POISON_METHODS[method].defaultEps.mnist,
  ratio: 1,
  seed: 3,
  ...over,
});

const run = (method: PoisonMethodId, over: Partial<PoisonSettings> = {}, s: ImageSet = set) =>
  POISONS[method].generate(s, settingsFor(method, over));

const stride = () => set.height * set.width * set.channels;

/** Per image, the byte changes poisoned - clean. */
function byteChanges(r: PoisonResult, clean: ImageSet, i: number): Int16Array {
  const n = clean.height * clean.width * clean.channels;
  const out = new Int16Array(n);
  for (let j = 0; j < n; j++) out[j] = r.poisoned.images[i * n + j]! - clean.images[i * n + j]!;
  return out;
}

/** Asserts the declared budget on the bytes themselves, image by image. */
function expectBudget(r: PoisonResult, clean: ImageSet): void {
  const { norm } = POISON_METHODS[r.settings.method];
  const eps = r.settings.eps;
  let worstLinf = 0;
  let worstL2 = 0;
  let worstL0 = 0;
  for (let i = 0; i < clean.count; i++) {
    const d = byteChanges(r, clean, i);
    let s2 = 0;
    let l0 = 0;
    for (const v of d) {
      worstLinf = Math.max(worstLinf, Math.abs(v));
      s2 += v * v;
      if (v !== 0) l0++;
    }
    worstL2 = Math.max(worstL2, Math.sqrt(s2) / 255);
    worstL0 = Math.max(worstL0, l0);
  }
  if (norm === 'linf') {
    expect(worstLinf).toBeLessThanOrEqual(linfByteRadius(eps));
    expect(r.norms.linfMax).toBeLessThanOrEqual(eps + 1e-6);
  }
  if (norm === 'l2') {
    expect(worstL2).toBeLessThanOrEqual(eps + 1e-12);
    expect(r.norms.l2Max).toBeLessThanOrEqual(eps + 1e-6);
  }
  if (norm === 'l0') expect(worstL0).toBeLessThanOrEqual(eps);
  expect(r.norms.linfMax).toBeCloseTo(worstLinf / 255, 6);
  expect(r.norms.l2Max).toBeCloseTo(worstL2, 5);
}

describe('model-free poisons on 300 MNIST images', () => {
  it.each(MODEL_FREE)(
    '%s: bytes in range, budget after quantisation, perturbation and norms agree',
    async (method) => {
      const r = await run(method);
      expect(r.poisoned.images).toBeInstanceOf(Uint8Array);
      expect(r.poisoned.images.length).toBe(set.images.length);
      expect(Array.from(r.poisoned.labels)).toEqual(Array.from(set.labels));
      expectBudget(r, set);
      // perturbation = poisoned/255 - clean/255, exactly what the bytes say.
      for (let j = 0; j < set.images.length; j += 97) {
        expect(r.perturbation[j]).toBeCloseTo((r.poisoned.images[j]! - set.images[j]!) / 255, 6);
      }
      expect(r.norms.l2Mean).toBeGreaterThan(0);
      expect(r.seconds).toBeGreaterThanOrEqual(0);
      expect(r.settings.method).toBe(method);
      // Every image changed (ratio 1).
      for (let i = 0; i < set.count; i++) {
        expect(byteChanges(r, set, i).some((v) => v !== 0)).toBe(true);
      }
    },
  );

  it.each(MODEL_FREE)('%s: same seed, same bytes; another seed, other bytes', async (method) => {
    const [a, b, c] = await Promise.all([run(method), run(method), run(method, { seed: 4 })]);
    expect(Buffer.from(b.poisoned.images).equals(Buffer.from(a.poisoned.images))).toBe(true);
    expect(Buffer.from(c.poisoned.images).equals(Buffer.from(a.poisoned.images))).toBe(false);
  });

  it.each(['random', 'random-class', 'lsp', 'ar'] as PoisonMethodId[])(
    '%s: negative noise survives (add, then clip): some pixels get darker',
    async (method) => {
      const r = await run(method);
      let darker = 0;
      for (let j = 0; j < set.images.length; j++)
        if (r.poisoned.images[j]! < set.images[j]!) darker++;
      expect(darker).toBeGreaterThan(set.count);
    },
  );

  it.each(['random-class', 'lsp'] as PoisonMethodId[])(
    '%s: one pattern per class (equal changes wherever neither image was clipped)',
    async (method) => {
      const r = await run(method);
      const n = stride();
      let compared = 0;
      for (let cls = 0; cls < 10; cls++) {
        const members = [...set.labels.keys()].filter((i) => set.labels[i] === cls).slice(0, 3);
        const [a, ...rest] = members;
        for (const b of rest) {
          const da = byteChanges(r, set, a!);
          const db = byteChanges(r, set, b);
          for (let j = 0; j < n; j++) {
            const pa = r.poisoned.images[a! * n + j]!;
            const pb = r.poisoned.images[b * n + j]!;
            if (pa > 0 && pa < 255 && pb > 0 && pb < 255) {
              expect(db[j]).toBe(da[j]);
              compared++;
            }
          }
        }
      }
      expect(compared).toBeGreaterThan(1000);
      // ... and the patterns of two classes differ.
      const c0 = set.labels.indexOf(0);
      const c1 = set.labels.indexOf(1);
      const d0 = byteChanges(r, set, c0);
      const d1 = byteChanges(r, set, c1);
      expect(d0.some((v, j) => v !== d1[j])).toBe(true);
    },
  );

  it('ratio 0.5 poisons exactly the masked half; the rest stays byte-identical', async () => {
    for (const method of ['random', 'lsp', 'ops', 'cuda'] as PoisonMethodId[]) {
      const r = await run(method, { ratio: 0.5 });
      const masked = r.poisonedMask.reduce((a, b) => a + b, 0);
      expect(masked).toBe(150);
      for (let i = 0; i < set.count; i++) {
        const changed = byteChanges(r, set, i).some((v) => v !== 0);
        if (r.poisonedMask[i] === 0) expect(changed).toBe(false);
        // Masked images change (OPS: unless the pixel already had that value).
        else if (method !== 'ops') expect(changed).toBe(true);
      }
    }
  });

  it('LSP perturbations alone are linearly separable (softmax regression: 100% train accuracy)', async () => {
    const r = await run('lsp');
    const n = stride();
    const acc = tf.tidy(() => {
      // Scale up so plain gradient steps move quickly; separability is scale-free.
      const x = tf.mul(tf.tensor2d(r.perturbation, [set.count, n]), 50);
      const y = tf.oneHot(tf.tensor1d(Int32Array.from(set.labels), 'int32'), 10);
      const w = tf.variable(tf.zeros([n, 10]));
      const b = tf.variable(tf.zeros([10]));
      const opt = tf.train.adam(0.05);
      for (let k = 0; k < 150; k++) {
        opt.minimize(
          () => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(x, w), b)) as tf.Scalar,
        );
      }
      const pred = tf.argMax(tf.add(tf.matMul(x, w), b), 1);
      const a = tf.mean(tf.cast(tf.equal(pred, tf.argMax(y, 1)), 'float32')).dataSync()[0]!;
      opt.dispose();
      w.dispose();
      b.dispose();
      return a;
    });
    expect(acc).toBe(1);
  });

  it('OPS picks distinct pixels per class and sets them in every image of the class', async () => {
    const r = await run('ops');
    const px = r.report.pixels!;
    expect(px).toHaveLength(10);
    expect(new Set(px.map((p) => p.index)).size).toBe(10);
    expect(new Set(px.map((p) => p.cls)).size).toBe(10);
    const n = stride();
    for (let i = 0; i < set.count; i++) {
      const p = px.find((q) => q.cls === set.labels[i])!;
      expect(r.poisoned.images[i * n + p.index]).toBe(p.value[0]);
    }
    // MNIST corners are black in every image: white there is the perfectly consistent choice.
    expect(px.every((p) => p.value[0] === 255)).toBe(true);
  });

  it('OPS copes with constant pixels (std = 0) on a synthetic set, without NaN', async () => {
    // 40 images of 6x6, 4 classes: a constant grey background (std 0 everywhere), and in
    // classes 0-1 one varying pixel each. Class 3 is fully constant (every image identical).
    const h = 6;
    const rng = new Rng(5);
    const count = 40;
    const images = new Uint8Array(count * h * h).fill(100);
    const labels = Uint8Array.from({ length: count }, (_, i) => i % 4);
    for (let i = 0; i < count; i++) {
      if (labels[i]! < 2) images[i * h * h + 7 + labels[i]!] = rng.int(256);
    }
    const synth: ImageSet = {
      images,
      labels,
      count,
      height: h,
      width: h,
      channels: 1,
      numClasses: 4,
      classNames: ['a', 'b', 'c', 'd'],
    };
    const px = opsPixels(synth, 2, 1);
    expect(px).toHaveLength(8);
    expect(new Set(px.map((p) => p.index)).size).toBe(8);
    // Constant grey is 155 from white and 100 from black: white, at a constant pixel.
    for (const p of px) {
      expect(p.value).toEqual([255]);
      if (p.cls < 2) expect(p.index).not.toBe(7 + p.cls); // that class's varying pixel
    }
    const r = await run('ops', { eps: 2 }, synth);
    expect(Array.from(r.perturbation).every(Number.isFinite)).toBe(true);
    expect(r.norms.l0Mean).toBe(2);
    expectBudget(r, synth);
  });

  it('AR noise is made by its class filter: the filter leaves ~0 of it before clipping', () => {
    // Two filters as the method draws them, and one noise image of the first, scaled to the
    // default L2 budget as the method scales it (before adding, clipping and rounding).
    const frng = new Rng(31);
    const f = arCoefficients(frng, 28, 28);
    const g = arCoefficients(frng, 28, 28);
    expect(f.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const x = scaleToL2(arSample(f, 28, 28, new Rng(32)), 1);
    /** RMS of x minus the filter's prediction from the 8 values before it, over RMS of x. */
    const residual = (w: Float64Array) => {
      let err = 0;
      let sig = 0;
      // Away from the first two rows and columns, whose windows would leave the image.
      for (let r = 2; r < 28; r++) {
        for (let c = 2; c < 28; c++) {
          let pred = 0;
          let k = 0;
          for (let dr = -2; dr <= 0; dr++)
            for (let dc = -2; dc <= 0; dc++)
              if (dr !== 0 || dc !== 0) pred += w[k++]! * x[(r + dr) * 28 + c + dc]!;
          err += (x[r * 28 + c]! - pred) ** 2;
          sig += x[r * 28 + c]! ** 2;
        }
      }
      return Math.sqrt(err / sig);
    };
    expect(residual(f)).toBeLessThan(1e-9);
    // Another class's filter does not explain it.
    expect(residual(g)).toBeGreaterThan(0.1);
  });

  it('CUDA blurs each class with its own normalised non-negative kernel', async () => {
    const r = await run('cuda');
    const kernels = r.report.kernels!;
    expect(kernels).toHaveLength(10);
    for (const [k] of kernels) {
      expect(k!.every((v) => v >= 0)).toBe(true);
      expect(k!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      expect(k![4]).toBe(Math.max(...k!));
    }
    const n = stride();
    const out = new Uint8Array(n);
    for (const i of [0, 1, 2, 50, 299]) {
      blurChannel(
        set.images.subarray(i * n, (i + 1) * n),
        out,
        kernels[set.labels[i]!]![0]!,
        28,
        28,
        1,
        0,
      );
      expect(Array.from(r.poisoned.images.subarray(i * n, (i + 1) * n))).toEqual(Array.from(out));
    }
  });

  it('reports progress, honours cancel, and checks its settings', async () => {
    const seen: number[] = [];
    await POISONS.lsp.generate(set, settingsFor('lsp'), { onProgress: (f) => seen.push(f) });
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1);
    for (const m of MODEL_FREE) {
      await expect(
        POISONS[m].generate(set, settingsFor(m), { shouldStop: () => true }),
      ).rejects.toBeInstanceOf(CancelledError);
    }
    await expect(POISONS.lsp.generate(set, settingsFor('ar'))).rejects.toThrow(
      /lsp generator was given settings for method "ar"/,
    );
    await expect(POISONS.tap.generate(set, settingsFor('tap'))).rejects.toThrow(
      /tap needs a trained clean model/,
    );
    await expect(POISONS.sep.generate(set, settingsFor('sep'))).rejects.toThrow(
      /sep needs checkpoints/,
    );
  });
});
