import { beforeAll, describe, expect, it } from 'vitest';
import type * as tfNs from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import type { ImageSet } from '../../src/core/dataset';
import { APP_SAL_DEFAULTS } from '../../src/core/sal-types';
import { buildTaskData, constantMaskIoU, foregroundMask } from '../../src/core/tasks';
import { defaultTrainConfig } from '../../src/core/train-config';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { initSnapshot, snapshotToTensors } from '../../src/ml/models/params';
import { buildSpec } from '../../src/ml/models/zoo';
import { runCrossTask } from '../../src/ml/tasks/cross-task';
import {
  disposeTaskTensors,
  headLogitsAll,
  headLoss,
  headScore,
  sigmoidBce,
  sliceBatch,
  taskTensors,
} from '../../src/ml/tasks/task-data';
import {
  buildTaskModel,
  digitsAsZooSnapshot,
  initTaskWeights,
} from '../../src/ml/tasks/task-model';
import { runTask } from '../../src/ml/tasks/task-run';
import { taskSal, type TaskSal } from '../../src/ml/tasks/task-sal';
import { selectRunData } from '../../src/ml/train/run-training';
import { toTensors } from '../../src/ml/data/tensors';
import { salAllLayers } from '../../src/ml/sal/sal';
import { CancelledError, DivergedError } from '../../src/ml/train/train-loop';

let tf: typeof tfNs;
let data: { train: ImageSet; test: ImageSet };
const config = { ...defaultTrainConfig(), trainSize: 400, testSize: 300, epochs: 2 };

beforeAll(async () => {
  tf = await useBackend('wasm');
  const [train, test] = await Promise.all([
    loadDatasetNode('mnist', 'train'),
    loadDatasetNode('mnist', 'test'),
  ]);
  data = selectRunData(config, train, test);
});

describe('task models', () => {
  it('share one trunk: the zoo layers up to the flatten, heads after it', () => {
    const m = buildTaskModel('cnn-s', 'multi');
    expect(m.trunkLayers).toEqual(['conv1', 'conv2']);
    expect(m.features).toBe(5 * 5 * 16);
    expect(m.heads.map((h) => [h.task, h.outputs])).toEqual([
      ['digits', 10],
      ['rotation', 4],
      ['segmentation', 784],
    ]);
    expect(m.names.slice(0, 4)).toEqual([
      'conv1/kernel',
      'conv1/bias',
      'conv2/kernel',
      'conv2/bias',
    ]);
    expect(m.names.slice(4)).toEqual([
      'digits:dense1/kernel',
      'digits:dense1/bias',
      'rotation:dense1/kernel',
      'rotation:dense1/bias',
      'segmentation:dense1/kernel',
      'segmentation:dense1/bias',
    ]);
    const v = buildTaskModel('vgg-s', 'rotation');
    expect(v.trunkLayers).toEqual(['conv1', 'conv2', 'conv3', 'conv4']);
    expect(v.heads[0]!.spec.layers.map((l) => l.name)).toEqual(['dense1', 'dense2']);
    expect(() => buildTaskModel('mlp', 'digits')).toThrow(/no convolutional trunk/);
  });

  it('the digits model is the zoo model; every task starts from the same trunk bits', () => {
    const d = buildTaskModel('cnn-s', 'digits');
    const init = initTaskWeights(d, 5);
    const zoo = initSnapshot(buildSpec('cnn-s'), 5);
    expect(digitsAsZooSnapshot(d, init)).toEqual(zoo);
    const multi = initTaskWeights(buildTaskModel('cnn-s', 'multi'), 5);
    const rot = initTaskWeights(buildTaskModel('cnn-s', 'rotation'), 5);
    for (let i = 0; i < 4; i++) {
      expect(multi.data[i]).toEqual(zoo.data[i]);
      expect(rot.data[i]).toEqual(zoo.data[i]);
    }
    // The multi model's rotation head starts where the rotation model's head starts.
    expect(multi.data[6]).toEqual(rot.data[4]);
    expect(initTaskWeights(d, 6).data[0]).not.toEqual(init.data[0]);
  });

  it('a step on one head changes what the other heads see (shared trunk)', () => {
    const m = buildTaskModel('cnn-s', 'multi');
    const td = buildTaskData(data.train, data.train, 1);
    const t = taskTensors({ ...td, count: td.count }, ['digits', 'rotation', 'segmentation']);
    const ws = snapshotToTensors(initTaskWeights(m, 1));
    const before = tf.memory().numTensors;
    try {
      const trunk = ws.slice(0, m.trunkParams);
      /** Gradients of one head's loss w.r.t. the trunk weights (its own head held fixed). */
      const trunkGrads = (task: 'digits' | 'rotation' | 'segmentation') =>
        tf.grads((...tw: tfNs.Tensor[]) => {
          const all = [...tw, ...ws.slice(m.trunkParams)];
          return headLoss(task, headLogitsAll(m, all, t).get(task)!, t);
        })(trunk);
      const trunkNorms = tf.tidy(() =>
        (['digits', 'rotation', 'segmentation'] as const).map(
          (task) => tf.norm(trunkGrads(task)[0]!).dataSync()[0]!,
        ),
      );
      trunkNorms.forEach((n) => expect(n).toBeGreaterThan(0));
      // One SGD step of the trunk on the rotation loss only: the digits and segmentation logits
      // move although their heads' weights are the same tensors as before.
      const moved = tf.tidy(() => {
        const g = trunkGrads('rotation');
        const stepped = [
          ...trunk.map((w, i) => tf.sub(w, tf.mul(g[i]!, 0.5))),
          ...ws.slice(m.trunkParams),
        ];
        const a = headLogitsAll(m, ws, t, true);
        const b = headLogitsAll(m, stepped, t, true);
        return (['digits', 'segmentation'] as const).map(
          (k) => tf.max(tf.abs(tf.sub(a.get(k)!, b.get(k)!))).dataSync()[0]!,
        );
      });
      moved.forEach((d) => expect(d).toBeGreaterThan(1e-4));
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      tf.dispose(ws);
      disposeTaskTensors(t);
    }
  });
});

describe('losses and scores', () => {
  it('sigmoid BCE matches the direct formula and IoU scores hand-made masks', () => {
    const z = tf.tensor2d([
      [2, -1, 0.5, -3],
      [0.1, -0.2, 4, -4],
    ]);
    const t = tf.tensor2d([
      [1, 0, 0, 1],
      [0, 0, 0, 0],
    ]);
    const s = (x: number) => 1 / (1 + Math.exp(-x));
    const zs = [2, -1, 0.5, -3, 0.1, -0.2, 4, -4];
    const ts = [1, 0, 0, 1, 0, 0, 0, 0];
    const direct =
      zs.reduce(
        (acc, v, i) => acc - (ts[i]! * Math.log(s(v)) + (1 - ts[i]!) * Math.log(1 - s(v))),
        0,
      ) / 8;
    expect(sigmoidBce(z, t).dataSync()[0]).toBeCloseTo(direct, 5);
    // Image 1: pred {0, 2}, target {0, 3} -> 1/3. Image 2: pred {0, 2}, target {} -> 0.
    expect(headScore('segmentation', z, { count: 2, masks: t }).dataSync()[0]).toBeCloseTo(1 / 3);
    const empty = tf.tensor2d([[-1, -1]]);
    const none = tf.tensor2d([[0, 0]]);
    expect(headScore('segmentation', empty, { count: 1, masks: none }).dataSync()[0]).toBe(1);
    tf.dispose([z, t, empty, none]);
  });
});

describe('training, SAL and the cross-task run', () => {
  it('learns rotation and segmentation above chance on 400 images, without tensor growth', async () => {
    const before = tf.memory().numTensors;
    const train = buildTaskData(data.train, data.train, 1);
    const test = buildTaskData(data.test, data.test, 2);
    const rot = await runTask({ task: 'rotation', config, train, test, sal: null });
    const rotAcc = rot.metrics[rot.metrics.length - 1]!.testScore.rotation!;
    expect(rotAcc).toBeGreaterThan(0.4); // chance 0.25
    const seg = await runTask({
      task: 'segmentation',
      config: { ...config, epochs: 3 },
      train,
      test,
      sal: null,
    });
    const segIou = seg.metrics[seg.metrics.length - 1]!.testScore.segmentation!;
    const baseline = constantMaskIoU(train.masks, test.masks, 784);
    expect(segIou).toBeGreaterThan(baseline + 0.1);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('stops on cancel and on divergence, freeing every tensor', async () => {
    const train = buildTaskData(data.train, data.train, 1);
    const test = buildTaskData(data.test, data.test, 2);
    const before = tf.memory().numTensors;
    let polls = 0;
    await expect(
      runTask({
        task: 'multi',
        config,
        train,
        test,
        sal: null,
        hooks: { shouldStop: () => ++polls > 3 },
      }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
    await expect(
      runTask({ task: 'segmentation', config, train, test, sal: null, lr: 1e6 }),
    ).rejects.toBeInstanceOf(DivergedError);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('measures trunk SAL per head with that head\u2019s own loss, freeing every tensor', async () => {
    const m = buildTaskModel('cnn-s', 'multi');
    const td = buildTaskData(data.train, data.train, 1);
    const t = taskTensors(td, ['digits', 'rotation', 'segmentation']);
    const init = initTaskWeights(m, 3);
    const settings = { ...APP_SAL_DEFAULTS, rounds: 2, subsetSize: 128 };
    try {
      const before = tf.memory().numTensors;
      const rows: TaskSal[] = [];
      for (const h of ['digits', 'rotation', 'segmentation'] as const)
        rows.push(await taskSal(m, init, h, t, settings));
      expect(tf.memory().numTensors).toBe(before);
      for (const r of rows) {
        expect(r.layers.map((l) => l.name)).toEqual(['conv1', 'conv2']);
        for (const l of r.layers) {
          expect(l.up).toBeGreaterThanOrEqual(0);
          expect(l.down).toBeGreaterThanOrEqual(0);
          expect(l.sal).toBe(Math.abs(l.up) > Math.abs(l.down) ? l.up : l.down);
        }
      }
      // Different losses: different baselines and SAL (digits CE starts near ln 10, rotation near ln 4).
      expect(rows[0]!.l0).toBeGreaterThan(rows[1]!.l0);
      expect(rows[0]!.layers[0]!.sal).not.toBe(rows[1]!.layers[0]!.sal);
      // Segmentation SAL is in units of the unweighted mean BCE (the training weight is not in it).
      const ws = snapshotToTensors(init);
      const bce = tf.tidy(() => {
        const b = sliceBatch(t, 0, 128);
        return sigmoidBce(
          headLogitsAll(m, ws, b, true).get('segmentation')!,
          b.masks!,
        ).dataSync()[0]!;
      });
      tf.dispose(ws);
      expect(rows[2]!.l0).toBeCloseTo(bce, 5);
      // A smaller ball holds the loss closer to L0.
      const narrow = await taskSal(m, init, 'digits', t, { ...settings, eps: 0.001 });
      narrow.layers.forEach((l, i) => expect(l.sal).toBeLessThan(rows[0]!.layers[i]!.sal));
    } finally {
      disposeTaskTensors(t);
    }
  }, 60_000);

  it('the digits head measures the SAL of the main view (same model, data and settings)', async () => {
    const m = buildTaskModel('cnn-s', 'digits');
    const w = initTaskWeights(m, 4);
    const t = taskTensors(buildTaskData(data.train, data.train, 1), ['digits']);
    const zoo = toTensors(data.train);
    // Uneven batches (100 = 3 x 32 + 4) and a step large enough to hit the projection.
    const s = { ...APP_SAL_DEFAULTS, rounds: 2, subsetSize: 100, batchSize: 32, lr: 2 };
    try {
      const task = await taskSal(m, w, 'digits', t, s);
      const main = await salAllLayers(buildSpec('cnn-s'), digitsAsZooSnapshot(m, w), zoo, s);
      expect(task.l0).toBeCloseTo(main.l0, 5);
      // Task SAL covers the trunk (the convolutions); the main view adds the dense layer.
      expect(task.layers.map((l) => l.name)).toEqual(['conv1', 'conv2']);
      task.layers.forEach((l, i) => {
        const want = main.layers[i]!;
        expect(l.name).toBe(want.name);
        expect(Math.abs(l.up - want.up)).toBeLessThan(1e-3 * want.up + 1e-6);
        expect(Math.abs(l.down - want.down)).toBeLessThan(1e-3 * want.down + 1e-6);
        expect(Math.max(l.up, l.down)).toBeGreaterThan(1e-3);
      });
    } finally {
      disposeTaskTensors(t);
      tf.dispose([zoo.x, zoo.y]);
    }
  }, 60_000);

  it('runs clean and poisoned sides with targets from the clean images, per-head UD, cloneable', async () => {
    const small = { ...config, trainSize: 200, testSize: 200, epochs: 2 };
    const [train, test] = await Promise.all([
      loadDatasetNode('mnist', 'train'),
      loadDatasetNode('mnist', 'test'),
    ]);
    const d = selectRunData(small, train, test);
    const before = tf.memory().numTensors;
    const seen: string[] = [];
    const r = await runCrossTask(
      {
        config: small,
        poison: { method: 'random-class', eps: 0.3, ratio: 1, seed: 1 },
        sal: { ...APP_SAL_DEFAULTS, rounds: 1, subsetSize: 128 },
        tasks: ['digits', 'segmentation'],
      },
      d,
      { onEpoch: (tag, m) => seen.push(`${tag.task}/${tag.variant}/${m.epoch}`) },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(seen).toEqual([
      'digits/clean/1',
      'digits/clean/2',
      'segmentation/clean/1',
      'segmentation/clean/2',
      'digits/poisoned/1',
      'digits/poisoned/2',
      'segmentation/poisoned/1',
      'segmentation/poisoned/2',
    ]);
    expect(r.poison?.method).toBe('random-class');
    expect(r.outcomes.map((o) => `${o.model}:${o.head}:${o.metric}`)).toEqual([
      'digits:digits:acc',
      'segmentation:segmentation:iou',
    ]);
    for (const o of r.outcomes) {
      expect(o.poisoned).not.toBeNull();
      expect(o.ud?.layers).toBe(2);
      expect(o.ud?.epochs).toBe(2);
    }
    expect(r.chance.segmentation).toBeCloseTo(
      constantMaskIoU(foregroundMask(d.train.images), foregroundMask(d.test.images), 784),
    );
    expect(r.cleanDigits?.weights.names).toEqual([
      'conv1/kernel',
      'conv1/bias',
      'conv2/kernel',
      'conv2/bias',
      'dense1/kernel',
      'dense1/bias',
    ]);
    const copy = structuredClone(r);
    expect(copy.outcomes).toEqual(r.outcomes);
    // Reusing the clean runs trains only the poisoned side.
    seen.length = 0;
    const again = await runCrossTask(
      {
        config: small,
        poison: { method: 'random-class', eps: 0.3, ratio: 1, seed: 1 },
        sal: { ...APP_SAL_DEFAULTS, rounds: 1, subsetSize: 128 },
        tasks: ['digits', 'segmentation'],
      },
      d,
      { onEpoch: (tag, m) => seen.push(`${tag.task}/${tag.variant}/${m.epoch}`) },
      { clean: r.runs },
    );
    expect(seen.every((s) => s.includes('/poisoned/'))).toBe(true);
    expect(again.outcomes).toEqual(r.outcomes);
  }, 120_000);
});
