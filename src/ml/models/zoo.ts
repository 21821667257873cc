/**
 * The model zoo: small image classifiers described as plain layer lists, so the same
 * description drives the functional forward pass, weight init, per-layer SAL and the export
 * to a standard TensorFlow.js layers model.
 */
import type { BlockSpec, ConvBnSpec, LayerSpec, ModelSpec } from '../../core/model-spec';
import { MODELS, type ModelName } from '../../core/train-config';

/** Ids of the models, as used in the app, the URL and the CLI (the list lives in core). */
export const MODEL_IDS = MODELS;
export type ModelId = ModelName;

/**
 * One weight tensor of a model: name `layer/<role>` (TF.js's names: kernel, bias, gamma, beta,
 * moving_mean, moving_variance), shape, owning (TF.js) layer. BatchNorm's running statistics
 * are state, not parameters: `trainable` false (no gradient, no weight decay; the training loop
 * updates them from batch statistics).
 */
export interface ParamInfo {
  name: string;
  layer: string;
  role: 'kernel' | 'bias' | 'gamma' | 'beta' | 'movingMean' | 'movingVariance';
  shape: number[];
  fanIn: number;
  trainable: boolean;
}

/** TF.js's weight name of each role. */
const ROLE_NAMES: Record<ParamInfo['role'], string> = {
  kernel: 'kernel',
  bias: 'bias',
  gamma: 'gamma',
  beta: 'beta',
  movingMean: 'moving_mean',
  movingVariance: 'moving_variance',
};

const conv = (name: string, filters: number, kernel: number, padding: 'valid' | 'same' = 'valid') =>
  ({ kind: 'conv', name, filters, kernel, padding }) as const;
const pool = (name: string) => ({ kind: 'maxpool', name, size: 2 }) as const;
const dense = (name: string, units: number, relu: boolean) =>
  ({ kind: 'dense', name, units, relu }) as const;
const flatten = { kind: 'flatten', name: 'flatten' } as const;
const convbn = (name: string, filters: number): ConvBnSpec => ({
  kind: 'convbn',
  name,
  filters,
  kernel: 3,
  stride: 1,
  relu: true,
});
const block = (name: string, filters: number, stride: number, shortcut: boolean): BlockSpec => ({
  kind: 'block',
  name,
  filters,
  stride,
  shortcut,
});

/** The conv-BN units of a residual block, in weight order: conv1, conv2, then the shortcut. */
export function blockParts(l: BlockSpec): ConvBnSpec[] {
  const unit = (suffix: string, kernel: number, stride: number, relu: boolean): ConvBnSpec => ({
    kind: 'convbn',
    name: `${l.name}_${suffix}`,
    filters: l.filters,
    kernel,
    stride,
    relu,
  });
  const parts = [unit('conv1', 3, l.stride, true), unit('conv2', 3, 1, false)];
  return l.shortcut ? [...parts, unit('short', 1, l.stride, false)] : parts;
}

const LAYERS: Record<ModelId, { label: string; layers: (numClasses: number) => LayerSpec[] }> = {
  'cnn-s': {
    label: 'CNN-S (2 conv + dense, 3 weight layers)',
    layers: (k) => [
      conv('conv1', 8, 3),
      pool('pool1'),
      conv('conv2', 16, 3),
      pool('pool2'),
      flatten,
      dense('dense1', k, false),
    ],
  },
  'vgg-s': {
    label: 'VGG-S (4 conv + 2 dense, 6 weight layers)',
    layers: (k) => [
      conv('conv1', 16, 3),
      conv('conv2', 16, 3),
      pool('pool1'),
      conv('conv3', 32, 3),
      conv('conv4', 32, 3),
      pool('pool2'),
      flatten,
      dense('dense1', 64, true),
      dense('dense2', k, false),
    ],
  },
  lenet5: {
    label: 'LeNet-5 (2 conv + 3 dense, 5 weight layers)',
    layers: (k) => [
      conv('conv1', 6, 5, 'same'),
      pool('pool1'),
      conv('conv2', 16, 5),
      pool('pool2'),
      flatten,
      dense('dense1', 120, true),
      dense('dense2', 84, true),
      dense('dense3', k, false),
    ],
  },
  mlp: {
    label: 'MLP (784-64-10, 2 weight layers)',
    layers: (k) => [flatten, dense('dense1', 64, true), dense('dense2', k, false)],
  },
  // After the paper's ResNet-18 (BatchNorm, basic blocks, 1x1 shortcuts where the shape
  // changes), scaled down: a stem and three stages of one block, widths 8-16-32.
  'resnet-s': {
    label: 'ResNet-S (BatchNorm, 3 residual blocks, 10 weight layers)',
    layers: (k) => [
      convbn('conv1', 8),
      block('b1', 8, 1, false),
      block('b2', 16, 2, true),
      block('b3', 32, 2, true),
      { kind: 'gap', name: 'gap' },
      dense('dense', k, false),
    ],
  },
};

/** True when `id` names a model of the zoo. */
export function isModelId(id: string): id is ModelId {
  return (MODEL_IDS as readonly string[]).includes(id);
}

/** The spec of a zoo model for images of `inputShape` [h, w, c] and `numClasses` classes. */
export function buildSpec(
  id: ModelId,
  inputShape: [number, number, number] = [28, 28, 1],
  numClasses = 10,
): ModelSpec {
  const entry = LAYERS[id];
  return { id, label: entry.label, inputShape, numClasses, layers: entry.layers(numClasses) };
}

/** Weight tensors in forward order (kernel then bias per layer), with shapes and fan-in. */
export function paramInfos(spec: ModelSpec): ParamInfo[] {
  let [h, w, c] = spec.inputShape;
  let flat = -1;
  const out: ParamInfo[] = [];
  const param = (layer: string, role: ParamInfo['role'], shape: number[], fanIn: number) =>
    out.push({
      name: `${layer}/${ROLE_NAMES[role]}`,
      layer,
      role,
      shape,
      fanIn,
      trainable: role !== 'movingMean' && role !== 'movingVariance',
    });
  /** A conv-BN unit on c input channels: its five tensors; returns its output size. */
  const unit = (u: ConvBnSpec, inH: number, inW: number, inC: number): [number, number] => {
    param(u.name, 'kernel', [u.kernel, u.kernel, inC, u.filters], u.kernel * u.kernel * inC);
    for (const role of ['gamma', 'beta', 'movingMean', 'movingVariance'] as const)
      param(`${u.name}_bn`, role, [u.filters], u.filters);
    return [Math.ceil(inH / u.stride), Math.ceil(inW / u.stride)];
  };
  for (const l of spec.layers) {
    switch (l.kind) {
      case 'convbn':
        [h, w] = unit(l, h, w, c);
        c = l.filters;
        break;
      case 'block': {
        const [c1, c2, sc] = blockParts(l);
        const [h1, w1] = unit(c1!, h, w, c);
        unit(c2!, h1, w1, l.filters);
        if (sc) unit(sc, h, w, c);
        else if (c !== l.filters || l.stride !== 1)
          throw new Error(`${spec.id}: block ${l.name} changes shape but has no shortcut conv`);
        [h, w, c] = [h1, w1, l.filters];
        break;
      }
      case 'gap':
        [h, w, flat] = [1, 1, c];
        break;
      case 'conv': {
        const fanIn = l.kernel * l.kernel * c;
        param(l.name, 'kernel', [l.kernel, l.kernel, c, l.filters], fanIn);
        param(l.name, 'bias', [l.filters], fanIn);
        if (l.padding === 'valid') {
          h = h - l.kernel + 1;
          w = w - l.kernel + 1;
        }
        c = l.filters;
        if (h < 1 || w < 1) throw new Error(`${spec.id}: layer ${l.name} leaves no spatial extent`);
        break;
      }
      case 'maxpool':
        h = Math.floor(h / l.size);
        w = Math.floor(w / l.size);
        break;
      case 'flatten':
        flat = h * w * c;
        break;
      case 'dense': {
        const fanIn = flat > 0 ? flat : h * w * c;
        param(l.name, 'kernel', [fanIn, l.units], fanIn);
        param(l.name, 'bias', [l.units], fanIn);
        flat = l.units;
        break;
      }
      default: {
        const never: never = l;
        throw new Error(`unknown layer ${JSON.stringify(never)}`);
      }
    }
  }
  return out;
}

/**
 * Names of the weight layers (conv and dense kernels, in weight order), the unit SAL and UD
 * count; BatchNorm layers are not among them.
 */
export function weightLayerNames(spec: ModelSpec): string[] {
  return spec.layers.flatMap((l) => {
    if (l.kind === 'conv' || l.kind === 'dense' || l.kind === 'convbn') return [l.name];
    if (l.kind === 'block') return blockParts(l).map((u) => u.name);
    return [];
  });
}

/** Number of weight tensors (snapshot entries) a layer owns, running statistics included. */
export function layerTensorCount(l: LayerSpec): number {
  switch (l.kind) {
    case 'conv':
    case 'dense':
      return 2;
    case 'convbn':
      return 5;
    case 'block':
      return 5 * blockParts(l).length;
    default:
      return 0;
  }
}

/** Total number of trainable scalars (BatchNorm's running statistics are not counted). */
export function paramCount(spec: ModelSpec): number {
  return paramInfos(spec)
    .filter((p) => p.trainable)
    .reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
}
