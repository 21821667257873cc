/**
 * A short calibration on the backend that is running now: milliseconds per training step
 * (cnn-s, batch 32) and per evaluation batch (256 images), each after one warm-up that absorbs
 * shader compilation. Inputs come from a fixed seed so every backend does the same work.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../core/rng';
import type { BackendName, CalibrationFigure } from '../../core/run-types';
import { crossEntropy, forward } from '../models/forward';
import { initSnapshot, snapshotToTensors } from '../models/params';
import { buildSpec } from '../models/zoo';

const now = () => performance.now();

/** Times `f` once to warm up, then `reps` times; returns ms per call, or null past `capMs`. */
async function timeIt(f: () => Promise<void>, reps: number, capMs: number): Promise<number | null> {
  const t0 = now();
  await f();
  if (now() - t0 > capMs) return null;
  const t1 = now();
  for (let i = 0; i < reps; i++) await f();
  return (now() - t1) / reps;
}

/** Measures the current TF.js backend; `capMs` bounds each warm-up (a slow compile aborts). */
export async function measureCurrentBackend(
  backend: BackendName,
  capMs = 1500,
): Promise<CalibrationFigure> {
  const spec = buildSpec('cnn-s');
  const ws = snapshotToTensors(initSnapshot(spec, 0));
  const rng = new Rng(0);
  const x = tf.tensor4d(rng.fillUniform(new Float32Array(256 * 784), 0, 1), [256, 28, 28, 1]);
  const y = tf.tensor1d(
    Int32Array.from({ length: 256 }, () => rng.int(10)),
    'int32',
  );
  const xb = tf.slice(x, [0, 0, 0, 0], [32, -1, -1, -1]) as tf.Tensor4D;
  const yb = tf.slice(y, [0], [32]) as tf.Tensor1D;
  try {
    const trainMsPerStep = await timeIt(
      async () => {
        const g = tf.tidy(() => {
          const { value, grads } = tf.valueAndGrads((...w: tf.Tensor[]) =>
            crossEntropy(forward(spec, w, xb), yb),
          )(ws);
          return tf.stack([value, ...grads.map((t) => tf.sum(t))]);
        });
        await g.data();
        g.dispose();
      },
      2,
      capMs,
    );
    const evalMsPerBatch =
      trainMsPerStep === null
        ? null
        : await timeIt(
            async () => {
              const l = tf.tidy(() => crossEntropy(forward(spec, ws, x, true), y));
              await l.data();
              l.dispose();
            },
            2,
            capMs,
          );
    const note =
      trainMsPerStep === null || evalMsPerBatch === null
        ? `warm-up took over ${capMs} ms`
        : 'measured';
    return { backend, trainMsPerStep, evalMsPerBatch, note };
  } finally {
    tf.dispose([...ws, x, y, xb, yb]);
  }
}

/** The fastest backend by a figure (ties keep the earlier, preferred one); null if none ran. */
export function fastest(
  figures: readonly CalibrationFigure[],
  key: 'trainMsPerStep' | 'evalMsPerBatch',
): BackendName | null {
  let best: CalibrationFigure | null = null;
  for (const f of figures) {
    const v = f[key];
    if (v === null) continue;
    const b = best?.[key];
    if (best === null || b === null || b === undefined || v < b) best = f;
  }
  return best?.backend ?? null;
}
