/** A store driven by a fake worker through whole experiments, for the share / persist tests. */
import type { WeightSnapshot } from '../../../src/core/weights';
import { Rng } from '../../../src/core/rng';
import { createAppStore, type AppStore } from '../../../src/store';
import { FakeLab } from './fake-lab';

let ids = 0;
/** A store with a fake lab and small settings (2 epochs, one poison method). */
export function fakeStore(): { store: AppStore; lab: FakeLab } {
  const lab = new FakeLab();
  const store = createAppStore({
    client: lab,
    newId: (p) => `${p}-${++ids}`,
    now: () => 1000 + ids,
  });
  store.getState().setConfig({ epochs: 2, trainSize: 100, testSize: 50 });
  store.getState().toggleMethod('random-class', false);
  return { store, lab };
}

/** Random floats with a NaN and -0 in them, so "bit-exact" means something. */
export function floats(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.next() * 2 - 1;
  if (n > 2) {
    a[0] = NaN;
    a[1] = -0;
  }
  return a;
}

function bytes(rng: Rng, n: number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.floor(rng.next() * 256);
  return a;
}

/** A small two-layer weight snapshot. */
export function snapshot(rng: Rng): WeightSnapshot {
  return {
    names: ['dense/kernel', 'dense/bias'],
    shapes: [[4, 3], [3]],
    data: [floats(rng, 12), floats(rng, 3)],
  };
}

/**
 * Starts an experiment and feeds it samples, a poison gallery, `epochs` epochs with SAL rows and
 * checkpoints; `finish` false leaves the runs mid-training (as at a crash). Returns its id.
 */
export function runExperiment(
  store: AppStore,
  lab: FakeLab,
  seed: number,
  epochs = 2,
  finish = true,
): string {
  const rng = new Rng(seed);
  const id = store.getState().startExperiment();
  if (!id) throw new Error(store.getState().startError ?? 'did not start');
  const exp = store.getState().experiments[id]!;
  const h = 4;
  const w = 4;
  for (const runId of [exp.cleanRunId, ...exp.poisonedRunIds]) {
    const run = store.getState().runs[runId]!;
    lab.send({ type: 'status', runId, stage: 'training', detail: 'training', fraction: 0 });
    lab.send({
      type: 'samples',
      runId,
      samples: {
        images: bytes(rng, 3 * h * w),
        labels: bytes(rng, 3).map((x) => x % 10),
        count: 3,
        height: h,
        width: w,
        channels: 1,
        classNames: ['a', 'b'],
      },
    });
    if (run.method)
      lab.send({
        type: 'poison',
        runId,
        summary: {
          method: run.method,
          settings: { ...run.poisonSettings! } as never,
          norms: { linfMax: 0.3, l2Mean: 1, l2Max: 2, l0Mean: 5 },
          report: { notes: [] },
          seconds: 0.5,
          poisonedCount: 100,
        },
        gallery: {
          original: bytes(rng, 2 * h * w),
          poisoned: bytes(rng, 2 * h * w),
          perturbation: floats(rng, 2 * h * w),
          labels: Uint8Array.from([0, 1]),
          count: 2,
          height: h,
          width: w,
          channels: 1,
          classNames: ['a', 'b'],
        },
      });
    for (let e = 1; e <= epochs; e++) {
      lab.send({
        type: 'progress',
        runId,
        progress: {
          epoch: e,
          step: 2,
          steps: 4,
          loss: 2 - e * rng.next(),
          acc: 0.3,
          examplesPerSec: 100,
        },
      });
      lab.send({
        type: 'epoch',
        runId,
        metrics: {
          epoch: e,
          trainLoss: 1 / e,
          trainAcc: rng.next(),
          testLoss: e === 1 ? NaN : 0.5,
          testAcc: rng.next(),
          seconds: 1,
          examplesPerSec: 99,
        },
        checkpoint: snapshot(rng),
      });
      lab.send({
        type: 'sal',
        runId,
        row: {
          epoch: e,
          layers: ['conv1', 'dense'],
          values: [rng.next(), rng.next()],
          up: [0.1, 0.2],
          down: [0.3, 0.4],
          l0: 2.3,
          seconds: 0.2,
        },
      });
    }
    if (finish) lab.send({ type: 'done', runId, seconds: 3 });
  }
  return id;
}
