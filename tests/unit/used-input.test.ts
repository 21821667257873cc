import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import { Rng } from '../../src/core/rng';
import { forward } from '../../src/ml/models/forward';
import { initSnapshot, snapshotToTensors } from '../../src/ml/models/params';
import { usedInputSize } from '../../src/ml/models/used-input';
import { buildSpec, MODEL_IDS } from '../../src/ml/models/zoo';
import type { ModelSpec } from '../../src/core/model-spec';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('the input a model uses', () => {
  it('crops cnn-s to 26 x 26 (pool2 drops conv2 row 10) and keeps the others whole', () => {
    expect(usedInputSize(buildSpec('cnn-s'))).toEqual([26, 26]);
    expect(usedInputSize(buildSpec('vgg-s'))).toEqual([28, 28]);
    expect(usedInputSize(buildSpec('lenet5'))).toEqual([28, 28]);
    expect(usedInputSize(buildSpec('mlp'))).toEqual([28, 28]);
  });

  it("keeps the whole input where a 'same' conv would lose its far-edge padding", () => {
    const base = buildSpec('cnn-s');
    const spec: ModelSpec = {
      ...base,
      layers: base.layers.map((l) => (l.name === 'conv2' ? { ...l, padding: 'same' } : l)),
    };
    // 28 -> 26 -> 13 -> (same) 13 -> 6: pool2 drops row 12 of the 'same' conv's output, which
    // the 'same' conv computes with its padding; cropping would put real pixels there.
    expect(usedInputSize(spec)).toEqual([28, 28]);
  });

  it('gives the same logits as the whole input, for every zoo model', () => {
    const rng = new Rng(5);
    const x = tf.tensor4d(rng.fillNormal(new Float32Array(6 * 784), 1), [6, 28, 28, 1]);
    for (const id of MODEL_IDS) {
      const spec = buildSpec(id);
      const [h, w] = usedInputSize(spec);
      const ws = snapshotToTensors(initSnapshot(spec, 3));
      const full = tf.tidy(() => forward(spec, ws, x, true).arraySync());
      const cropped = tf.tidy(() =>
        forward(spec, ws, tf.slice(x, [0, 0, 0, 0], [-1, h, w, -1]), true).arraySync(),
      );
      expect(cropped).toEqual(full);
      // One row and column fewer no longer fits the dense layer: the crop is the smallest.
      if (h < 28)
        expect(() =>
          tf.tidy(() => forward(spec, ws, tf.slice(x, [0, 0, 0, 0], [-1, h - 1, w - 1, -1]), true)),
        ).toThrow(/inner shapes/);
      tf.dispose(ws);
    }
    x.dispose();
  });
});
