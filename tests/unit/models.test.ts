import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import {
  buildSpec,
  MODEL_IDS,
  paramCount,
  paramInfos,
  weightLayerNames,
} from '../../src/ml/models/zoo';
import { initSnapshot, snapshotToTensors } from '../../src/ml/models/params';
import { forward } from '../../src/ml/models/forward';

beforeAll(() => useBackend('wasm'));

// Hand-counted: weights + biases per layer for 28x28x1 inputs and 10 classes.
const EXPECTED = {
  'cnn-s': { params: 80 + 1168 + 4010, layers: ['conv1', 'conv2', 'dense1'] },
  'vgg-s': {
    params: 160 + 2320 + 4640 + 9248 + 32832 + 650,
    layers: ['conv1', 'conv2', 'conv3', 'conv4', 'dense1', 'dense2'],
  },
  lenet5: {
    params: 156 + 2416 + 48120 + 10164 + 850,
    layers: ['conv1', 'conv2', 'dense1', 'dense2', 'dense3'],
  },
  mlp: { params: 50240 + 650, layers: ['dense1', 'dense2'] },
  // Convs without bias; each BatchNorm adds gamma and beta (its running statistics are state).
  'resnet-s': {
    params:
      72 + 16 + 2 * (576 + 16) + (1152 + 2304 + 128 + 3 * 32) + (4608 + 9216 + 512 + 3 * 64) + 330,
    layers: [
      'conv1',
      'b1_conv1',
      'b1_conv2',
      'b2_conv1',
      'b2_conv2',
      'b2_short',
      'b3_conv1',
      'b3_conv2',
      'b3_short',
      'dense',
    ],
  },
} as const;

describe('model zoo', () => {
  for (const id of MODEL_IDS) {
    it(`${id}: parameter count, weight layers and logits shape`, () => {
      const spec = buildSpec(id);
      expect(paramCount(spec)).toBe(EXPECTED[id].params);
      expect(weightLayerNames(spec)).toEqual(EXPECTED[id].layers);
      const ws = snapshotToTensors(initSnapshot(spec, 3));
      const x = tf.zeros([5, 28, 28, 1]) as tf.Tensor4D;
      const logits = forward(spec, ws, x);
      const fused = forward(spec, ws, x, true);
      expect(logits.shape).toEqual([5, 10]);
      expect(Array.from(fused.dataSync())).toEqual(
        Array.from(logits.dataSync()).map((v) => expect.closeTo(v, 5)),
      );
      tf.dispose([...ws, x, logits, fused]);
    });
  }

  it('kernels are stored the TF.js way: conv [kh, kw, in, out], dense [in, out]', () => {
    const infos = paramInfos(buildSpec('lenet5'));
    expect(infos.map((p) => `${p.name}:${p.shape.join('x')}`)).toEqual([
      'conv1/kernel:5x5x1x6',
      'conv1/bias:6',
      'conv2/kernel:5x5x6x16',
      'conv2/bias:16',
      'dense1/kernel:400x120',
      'dense1/bias:120',
      'dense2/kernel:120x84',
      'dense2/bias:84',
      'dense3/kernel:84x10',
      'dense3/bias:10',
    ]);
  });

  it('seeded init: same seed same bits, other seed other bits, inside the PyTorch bound', () => {
    const spec = buildSpec('cnn-s');
    const a = initSnapshot(spec, 7);
    const b = initSnapshot(spec, 7);
    const c = initSnapshot(spec, 8);
    expect(a.data.map((d) => Array.from(d))).toEqual(b.data.map((d) => Array.from(d)));
    expect(Array.from(a.data[0]!)).not.toEqual(Array.from(c.data[0]!));
    paramInfos(spec).forEach((p, i) => {
      const bound = 1 / Math.sqrt(p.fanIn);
      const d = a.data[i]!;
      expect(Math.max(...d)).toBeLessThanOrEqual(bound);
      expect(Math.min(...d)).toBeGreaterThanOrEqual(-bound);
      expect(Math.max(...d) - Math.min(...d)).toBeGreaterThan(bound); // spread, not constant
    });
  });
});
