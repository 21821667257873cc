/**
 * Engine benchmarks shared by Node (`npm run bench:engine`) and the browser bench page: the
 * same models, batch sizes and point counts everywhere, so figures can be set side by side.
 * Inputs are seeded noise images: throughput does not depend on pixel values.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/core/rng';
import type { WeightSnapshot } from '../../src/core/weights';
import { crossEntropy, forward } from '../../src/ml/models/forward';
import { initSnapshot, snapshotToTensors } from '../../src/ml/models/params';
import { buildSpec, type ModelId } from '../../src/ml/models/zoo';
import { Sgd } from '../../src/ml/train/sgd';
import { evaluate } from '../../src/ml/train/evaluate';
import { createGridEvaluator } from '../../src/ml/engine/grid-eval';

/**
 * One benchmark row. Rates are examples (images) per second of wall time; the `Cpu` rates are
 * per second of this process's CPU time (Node only, null elsewhere): on a shared machine they
 * stay comparable while wall time depends on the neighbours.
 */
export interface EngineFigures {
  model: ModelId;
  backend: string;
  trainExPerSec: number;
  gridImgPerSec: number;
  naiveGridImgPerSec: number;
  trainExPerCpuSec: number | null;
  gridImgPerCpuSec: number | null;
  naiveGridImgPerCpuSec: number | null;
  steps: number;
  points: number;
  tensorsBefore: number;
  tensorsAfter: number;
  peakBytes: number;
}

type CpuUsage = () => { user: number; system: number };
const cpuUsage = (globalThis as { process?: { cpuUsage?: CpuUsage } }).process?.cpuUsage;

/** Starts a timer; `rate(count)` is count per second of wall and of CPU time since then. */
function timer(): (count: number) => { wall: number; cpu: number | null } {
  const t0 = performance.now();
  const c0 = cpuUsage?.();
  return (count) => {
    const wall = count / ((performance.now() - t0) / 1000);
    if (!c0 || !cpuUsage) return { wall, cpu: null };
    const c1 = cpuUsage();
    return { wall, cpu: count / ((c1.user - c0.user + c1.system - c0.system) / 1e6) };
  };
}

/**
 * Runs `run` on two halves of `count` and returns the faster half's rates: one spell of a busy
 * shared machine (seen once: a 0.7 s stall halved a grid figure) then spoils one half, not the
 * figure. PyTorch gets the same treatment as the faster of two runs. `run(n)` returns the
 * examples it processed.
 */
async function fasterHalf(
  count: number,
  run: (n: number) => Promise<number>,
): Promise<{ wall: number; cpu: number | null }> {
  const halves: { wall: number; cpu: number | null }[] = [];
  for (const n of [Math.ceil(count / 2), Math.floor(count / 2)]) {
    if (n === 0) continue;
    const rate = timer();
    halves.push(rate(await run(n)));
  }
  return halves.reduce((a, b) => (b.wall > a.wall ? b : a));
}

function noise(n: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const rng = new Rng(seed);
  return {
    x: tf.tensor4d(rng.fillUniform(new Float32Array(n * 784), 0, 1), [n, 28, 28, 1]),
    y: tf.tensor1d(
      Int32Array.from({ length: n }, () => rng.int(10)),
      'int32',
    ),
  };
}

function direction(s: WeightSnapshot, seed: number): WeightSnapshot {
  const rng = new Rng(seed);
  return { ...s, data: s.data.map((d) => rng.fillNormal(new Float32Array(d.length), 0.01)) };
}

/**
 * Training throughput (SGD with momentum, batch 64, `steps` timed steps after `warmup` steps)
 * and grid-point evaluation (256 images per point, `points` points) with the fast evaluator and
 * with the naive per-point way (weights built in JS, tensors made, evaluated).
 */
export async function benchEngine(
  model: ModelId,
  steps: number,
  points: number,
  warmup = 3,
): Promise<EngineFigures> {
  const spec = buildSpec(model);
  const init = initSnapshot(spec, 1);
  const tensorsBefore = tf.memory().numTensors;
  let peakBytes = 0;
  const peak = () => (peakBytes = Math.max(peakBytes, tf.memory().numBytes));
  const batch = noise(64, 2);
  let ws = snapshotToTensors(init);
  const sgd = new Sgd({ lr: 0.01, momentum: 0.9, weightDecay: 5e-4 });
  const step = async () => {
    const { value, grads } = tf.tidy(() =>
      tf.valueAndGrads((...w: tf.Tensor[]) => crossEntropy(forward(spec, w, batch.x), batch.y))(ws),
    );
    await value.data();
    value.dispose();
    ws = sgd.step(ws, grads);
    peak();
  };
  for (let i = 0; i < warmup; i++) await step();
  const train = await fasterHalf(steps, async (count) => {
    for (let i = 0; i < count; i++) await step();
    return count * 64;
  });
  tf.dispose([...ws, batch.x, batch.y]);
  sgd.dispose();

  const data = noise(256, 3);
  const d1 = direction(init, 4);
  const d2 = direction(init, 5);
  const pts = new Float64Array(points * 2).map((_, i) => ((i * 7919) % 21) / 10 - 1);
  const ev = createGridEvaluator(spec, init, [d1, d2], data);
  await ev.evaluate(pts.subarray(0, 4));
  let done = 0;
  const grid = await fasterHalf(points, async (count) => {
    await ev.evaluate(pts.subarray(2 * done, 2 * (done + count)), { onBlock: peak });
    done += count;
    return count * 256;
  });
  ev.dispose();

  const naivePoints = Math.max(2, Math.ceil(points / 5));
  const rate = timer();
  for (let p = 0; p < naivePoints; p++) {
    const a = pts[2 * p]!;
    const b = pts[2 * p + 1]!;
    const w = snapshotToTensors({
      ...init,
      data: init.data.map((v, i) => v.map((x, j) => x + a * d1.data[i]![j]! + b * d2.data[i]![j]!)),
    });
    await evaluate(spec, w, data.x, data.y, 256);
    tf.dispose(w);
    peak();
  }
  const naive = rate(naivePoints * 256);
  tf.dispose([data.x, data.y]);
  return {
    model,
    backend: tf.getBackend(),
    trainExPerSec: train.wall,
    gridImgPerSec: grid.wall,
    naiveGridImgPerSec: naive.wall,
    trainExPerCpuSec: train.cpu,
    gridImgPerCpuSec: grid.cpu,
    naiveGridImgPerCpuSec: naive.cpu,
    steps,
    points,
    tensorsBefore,
    tensorsAfter: tf.memory().numTensors,
    peakBytes,
  };
}
