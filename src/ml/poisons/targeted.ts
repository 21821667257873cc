/**
 * The targeted adversarial loop behind TAP (Fowl et al. 2021) and SEP (Chen et al. 2023):
 * signed-gradient steps that lower CE(f(x + delta), (y + 1) mod C) for one or more trained
 * clean models (gradients summed over models), projected to the L-inf ball and to [0, 1].
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, deriveSeed } from '../../core/rng';
import { addClipQuantiseLinf, linfByteRadius } from '../../core/perturbation';
import type { PoisonResult } from '../../core/poison-types';
import type { WeightSnapshot } from '../../core/weights';
import { snapshotToTensors } from '../models/params';
import { paramInfos } from '../models/zoo';
import { finishBytes, type RunState } from './common';
import { inputGrad } from './grad';
import type { ModelSpec } from '../../core/model-spec';

/** Images per gradient call (memory bound, not numerical). */
const CHUNK = 250;

/**
 * The seed stream of the random start, shared by TAP and SEP: with the same seed both start
 * from the same point, so SEP differs from TAP only by its ensemble (with one checkpoint, the
 * clean run's last, SEP is TAP). TAP's stream name, kept so TAP's bytes did not change.
 */
const INIT_STREAM = 'poison/tap/init';

/** Throws a readable error unless `spec` / `w` fit the set (shape, classes, weight layout). */
export function checkCleanModel(st: RunState, spec: ModelSpec, w: WeightSnapshot): void {
  const { set, s } = st;
  const [h, wd, c] = spec.inputShape;
  if (h !== set.height || wd !== set.width || c !== set.channels) {
    throw new Error(
      `${s.method}: the clean model takes ${h}x${wd}x${c} images, the set has ${set.height}x${set.width}x${set.channels}`,
    );
  }
  if (spec.numClasses !== set.numClasses) {
    throw new Error(
      `${s.method}: the clean model has ${spec.numClasses} classes, the set ${set.numClasses}`,
    );
  }
  const infos = paramInfos(spec);
  if (
    infos.length !== w.data.length ||
    infos.some((p, i) => p.shape.join('x') !== (w.shapes[i] ?? []).join('x'))
  ) {
    throw new Error(`${s.method}: the clean model's weights do not match its spec ${spec.id}`);
  }
}

/**
 * Poisons the masked images against `models` (all of architecture `spec`) and returns the
 * finished result. Delta starts uniform in the ball (seeded), so the seed changes the bytes.
 */
export async function targetedPoison(
  st: RunState,
  spec: ModelSpec,
  models: WeightSnapshot[],
  notes: string[],
): Promise<PoisonResult> {
  const { set, s, mask, stride, ticker } = st;
  const { height: H, width: W, channels: C, numClasses: K } = set;
  models.forEach((m) => checkCleanModel(st, spec, m));
  const r = linfByteRadius(s.eps);
  const epsQ = r / 255;
  const chosen: number[] = [];
  for (let i = 0; i < set.count; i++) if (mask[i] === 1) chosen.push(i);
  const rng = new Rng(deriveSeed(s.seed, INIT_STREAM));
  const images = set.images.slice();
  const weights = models.map((m) => snapshotToTensors(m));
  try {
    for (let start = 0; start < chosen.length; start += CHUNK) {
      const idx = chosen.slice(start, start + CHUNK);
      const m = idx.length;
      const xs = new Float32Array(m * stride);
      const ts = new Int32Array(m);
      idx.forEach((i, k) => {
        for (let j = 0; j < stride; j++) xs[k * stride + j] = set.images[i * stride + j]! / 255;
        ts[k] = (set.labels[i]! + 1) % K;
      });
      const x = tf.tensor4d(xs, [m, H, W, C]);
      const t = tf.tensor1d(ts, 'int32');
      let d = tf.tidy(() =>
        tf.sub(
          tf.clipByValue(
            tf.add(
              x,
              tf.tensor4d(rng.fillUniform(new Float32Array(m * stride), -epsQ, epsQ), [m, H, W, C]),
            ),
            0,
            1,
          ),
          x,
        ),
      ) as tf.Tensor4D;
      try {
        for (let k = 0; k < s.steps; k++) {
          await ticker.tick(
            (start + (m * k) / s.steps) / Math.max(1, chosen.length),
            `step ${k + 1}/${s.steps} on images ${start + 1}-${start + m} of ${chosen.length}`,
          );
          const next = tf.tidy(() => {
            const xin = tf.add(x, d) as tf.Tensor4D;
            const g = tf.addN(weights.map((w) => inputGrad(spec, w, xin, t)));
            const moved = tf.clipByValue(tf.sub(d, tf.mul(tf.sign(g), s.stepSize)), -epsQ, epsQ);
            return tf.sub(tf.clipByValue(tf.add(x, moved), 0, 1), x) as tf.Tensor4D;
          });
          d.dispose();
          d = next;
        }
        const dd = await d.data<'float32'>();
        idx.forEach((i, k) => {
          addClipQuantiseLinf(
            set.images.subarray(i * stride, (i + 1) * stride),
            dd.subarray(k * stride, (k + 1) * stride),
            s.eps,
            images.subarray(i * stride, (i + 1) * stride),
          );
        });
      } finally {
        tf.dispose([x, t, d]);
      }
    }
  } finally {
    weights.forEach((ws) => tf.dispose(ws));
  }
  return finishBytes(st, images, {
    notes: [
      ...notes,
      `${s.steps} signed steps of ${s.stepSize.toFixed(4)} toward class (y + 1) mod ${K}, random start in the eps ball`,
    ],
  });
}
