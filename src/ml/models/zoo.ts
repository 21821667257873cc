/**
 * The model zoo: small image classifiers described as plain layer lists, so the same
 * description drives the functional forward pass, weight init, per-layer SAL and the export
 * to a standard TensorFlow.js layers model.
 */
import type { LayerSpec, ModelSpec } from '../../core/model-spec';
import { MODELS, type ModelName } from '../../core/train-config';

/** Ids of the models, as used in the app, the URL and the CLI (the list lives in core). */
export const MODEL_IDS = MODELS;
export type ModelId = ModelName;

/** One weight tensor of a model: name `layer/kernel` or `layer/bias`, shape, owning layer. */
export interface ParamInfo {
  name: string;
  layer: string;
  role: 'kernel' | 'bias';
  shape: number[];
  fanIn: number;
}

const conv = (name: string, filters: number, kernel: number, padding: 'valid' | 'same' = 'valid') =>
  ({ kind: 'conv', name, filters, kernel, padding }) as const;
const pool = (name: string) => ({ kind: 'maxpool', name, size: 2 }) as const;
const dense = (name: string, units: number, relu: boolean) =>
  ({ kind: 'dense', name, units, relu }) as const;
const flatten = { kind: 'flatten', name: 'flatten' } as const;

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
  for (const l of spec.layers) {
    switch (l.kind) {
      case 'conv': {
        const fanIn = l.kernel * l.kernel * c;
        out.push({
          name: `${l.name}/kernel`,
          layer: l.name,
          role: 'kernel',
          shape: [l.kernel, l.kernel, c, l.filters],
          fanIn,
        });
        out.push({
          name: `${l.name}/bias`,
          layer: l.name,
          role: 'bias',
          shape: [l.filters],
          fanIn,
        });
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
        out.push({
          name: `${l.name}/kernel`,
          layer: l.name,
          role: 'kernel',
          shape: [fanIn, l.units],
          fanIn,
        });
        out.push({ name: `${l.name}/bias`, layer: l.name, role: 'bias', shape: [l.units], fanIn });
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

/** Names of the weight layers (conv and dense), the unit SAL and UD count. */
export function weightLayerNames(spec: ModelSpec): string[] {
  return spec.layers.filter((l) => l.kind === 'conv' || l.kind === 'dense').map((l) => l.name);
}

/** Total number of trainable scalars. */
export function paramCount(spec: ModelSpec): number {
  return paramInfos(spec).reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
}
