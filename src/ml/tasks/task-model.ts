/**
 * Task models: the zoo model's convolutional trunk (its layers up to the flatten) shared by one
 * or three heads. The digits and rotation heads are the zoo model's own layers after the
 * flatten with the last dense layer resized to the task's outputs, so the digits model IS the
 * zoo model (same layers, same initial bits); the segmentation head is one dense layer to h*w
 * pixel logits. Every task starts from the same trunk weights for a given seed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ROTATIONS, headsOf, type HeadTask, type TaskId } from '../../core/tasks';
import { deriveSeed } from '../../core/rng';
import type { WeightSnapshot } from '../../core/weights';
import { forward } from '../models/forward';
import { initSnapshot } from '../models/params';
import { buildSpec, paramInfos, weightLayerNames, type ModelId } from '../models/zoo';
import type { ModelSpec } from '../../core/model-spec';

/** One head: its layers as a model over the trunk's flat features [N, F]. */
export interface TaskHead {
  task: HeadTask;
  /** inputShape [1, 1, F]; the last dense layer has `outputs` units. */
  spec: ModelSpec;
  outputs: number;
  /** Index of the head's first weight tensor in the task model's weight list. */
  paramStart: number;
  paramCount: number;
}

/** A task model: trunk then heads; weights are trunk tensors then each head's, in head order. */
export interface TaskModel {
  task: TaskId;
  /** The zoo model of the digits task (its layers, input shape and class count). */
  base: ModelSpec;
  /** Layers up to and including the flatten; its forward pass returns features [N, F]. */
  trunk: ModelSpec;
  /** Weight tensors of the trunk (kernels and biases). */
  trunkParams: number;
  /** Names of the trunk's weight layers: the shared layers SAL and UD are measured on. */
  trunkLayers: string[];
  /** F, the length of the flat feature vector. */
  features: number;
  heads: TaskHead[];
  /** Weight names: trunk names as in the zoo, head names prefixed `task:` (e.g. `rotation:dense1/kernel`). */
  names: string[];
}

/** Output units of a head: classes, 4 rotations, or one logit per pixel. */
export function headOutputs(task: HeadTask, base: ModelSpec): number {
  const [h, w] = base.inputShape;
  if (task === 'digits') return base.numClasses;
  if (task === 'rotation') return ROTATIONS;
  return h * w;
}

/** The task model of zoo model `model` for images [h, w, c] with `numClasses` digit classes. */
export function buildTaskModel(
  model: ModelId,
  task: TaskId,
  inputShape: [number, number, number] = [28, 28, 1],
  numClasses = 10,
): TaskModel {
  const base = buildSpec(model, inputShape, numClasses);
  const fi = base.layers.findIndex((l) => l.kind === 'flatten');
  const trunkLayerSpecs = base.layers.slice(0, fi + 1);
  if (fi < 0 || !trunkLayerSpecs.some((l) => l.kind === 'conv'))
    throw new Error(
      `${model} has no convolutional trunk to share between tasks; use cnn-s, vgg-s or lenet5`,
    );
  const trunk: ModelSpec = { ...base, layers: trunkLayerSpecs };
  const trunkParams = paramInfos(trunk).length;
  const firstHead = paramInfos(base)[trunkParams];
  if (!firstHead) throw new Error(`${model}: no layer after the flatten`);
  const features = firstHead.shape[0]!;
  const names = paramInfos(trunk).map((p) => p.name);
  let at = trunkParams;
  const heads = headsOf(task).map((t): TaskHead => {
    const outputs = headOutputs(t, base);
    const after = buildSpec(model, inputShape, outputs).layers.slice(fi + 1);
    // The mask head is the last dense layer alone. Measured on vgg-s (2,000 MNIST images, 3
    // epochs, clean test IoU; the constant-mask level is 0.11): with the zoo's 64-unit hidden
    // layer in front of the 784 pixel logits, 0.16 at lr 0.01 and 0.20 at 0.02; one dense layer
    // from the trunk features, 0.45 at lr 0.01 and still rising.
    const full = t === 'segmentation' ? after.slice(-1) : after;
    const spec: ModelSpec = {
      ...base,
      label: `${base.label}, ${t} head`,
      inputShape: [1, 1, features],
      numClasses: outputs,
      layers: full,
    };
    const infos = paramInfos(spec);
    infos.forEach((p) => names.push(`${t}:${p.name}`));
    const head = { task: t, spec, outputs, paramStart: at, paramCount: infos.length };
    at += infos.length;
    return head;
  });
  return {
    task,
    base,
    trunk,
    trunkParams,
    trunkLayers: weightLayerNames(trunk),
    features,
    heads,
    names,
  };
}

/**
 * Seeded initial weights in PyTorch's default (params.ts): the digits and rotation heads get
 * the weights the zoo model with that head's output count draws from `seed`, so the trunk is
 * the same bits for every task and the digits model's weights equal `initSnapshot(zoo spec,
 * seed)`; the mask head draws from `deriveSeed(seed, 'head/segmentation')`.
 */
export function initTaskWeights(m: TaskModel, seed: number): WeightSnapshot {
  const h0 = m.heads[0];
  if (!h0) throw new Error('task model without a head');
  const full = (outputs: number) =>
    initSnapshot(buildSpec(m.base.id, m.base.inputShape, outputs), seed);
  const first = full(h0.outputs);
  const out: WeightSnapshot = {
    names: [...m.names],
    shapes: first.shapes.slice(0, m.trunkParams),
    data: first.data.slice(0, m.trunkParams),
  };
  for (const head of m.heads) {
    // The mask head (one dense layer, not the zoo's tail) draws from its own stream with its
    // own fan-in.
    const s =
      head.task === 'segmentation'
        ? initSnapshot(head.spec, deriveSeed(seed, 'head/segmentation'))
        : head === h0
          ? first
          : full(head.outputs);
    const start = head.task === 'segmentation' ? 0 : m.trunkParams;
    out.shapes.push(...s.shapes.slice(start));
    out.data.push(...s.data.slice(start));
  }
  return out;
}

/** The head of `task` in model `m`; throws when the model has no such head. */
export function headOf(m: TaskModel, task: HeadTask): TaskHead {
  const h = m.heads.find((x) => x.task === task);
  if (!h) throw new Error(`the ${m.task} model has no ${task} head`);
  return h;
}

/** Flat trunk features [N, F] of images x [N, H, W, C]; `fused` for inference. */
export function trunkFeatures(
  m: TaskModel,
  weights: readonly tf.Tensor[],
  x: tf.Tensor4D,
  fused = false,
): tf.Tensor2D {
  return forward(m.trunk, weights.slice(0, m.trunkParams), x, fused);
}

/** Logits [N, outputs] of one head from trunk features [N, F]. */
export function headLogits(
  m: TaskModel,
  head: TaskHead,
  weights: readonly tf.Tensor[],
  features: tf.Tensor2D,
  fused = false,
): tf.Tensor2D {
  return forward(
    head.spec,
    weights.slice(head.paramStart, head.paramStart + head.paramCount),
    features,
    fused,
  );
}

/**
 * The digits model's weights under the zoo's names (trunk then head, the zoo order), e.g. the
 * surrogate TAP and SEP attack. Throws for a model without a digits head.
 */
export function digitsAsZooSnapshot(m: TaskModel, s: WeightSnapshot): WeightSnapshot {
  const head = headOf(m, 'digits');
  const idx = [
    ...Array.from({ length: m.trunkParams }, (_, i) => i),
    ...Array.from({ length: head.paramCount }, (_, i) => head.paramStart + i),
  ];
  return {
    names: paramInfos(m.base).map((p) => p.name),
    shapes: idx.map((i) => [...s.shapes[i]!]),
    data: idx.map((i) => s.data[i]!),
  };
}
