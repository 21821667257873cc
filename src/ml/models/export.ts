/**
 * Export to, and import from, a standard TensorFlow.js layers model (`model.json` +
 * `weights.bin`), so a trained zoo model opens in stock `tf.loadLayersModel` and in other
 * tools. The zoo's functional forward pass (forward.ts) stays the engine; this file only builds
 * the equivalent `tf.Sequential` (same layer names, channels-last) to carry the weights.
 * No file system here: the Node reader/writer is in src/cli/model-dir.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { shapeSize, type WeightSnapshot } from '../../core/weights';
import { blockParts, buildSpec, MODEL_IDS, paramInfos } from './zoo';
import {
  BN_EPSILON,
  BN_MOMENTUM,
  type ConvBnSpec,
  type LayerSpec,
  type ModelSpec,
} from '../../core/model-spec';

/** The `model.json` of a layers model, with its weights manifest (standard TF.js format). */
export type LayersModelJSON = tf.io.ModelJSON;

/** True for a spec with residual blocks or BatchNorm: exported as a functional model. */
const isGraph = (spec: ModelSpec) =>
  spec.layers.some((l) => l.kind === 'convbn' || l.kind === 'block' || l.kind === 'gap');

/**
 * A graph spec (resnet-s) as a functional `tf.LayersModel`: conv (no bias) -> BatchNorm ->
 * ReLU per unit, blocks joined by an Add layer, global average pooling, dense head. BatchNorm
 * with PyTorch's momentum and epsilon, so a stock TF.js model trains and evaluates it alike.
 */
function buildGraphModel(spec: ModelSpec): tfl.LayersModel {
  const input = tfl.input({ shape: [...spec.inputShape], name: 'input' });
  const unit = (u: ConvBnSpec, x: tfl.SymbolicTensor): tfl.SymbolicTensor => {
    const conv = tfl.layers.conv2d({
      name: u.name,
      filters: u.filters,
      kernelSize: u.kernel,
      strides: u.stride,
      padding: 'same',
      useBias: false,
      dataFormat: 'channelsLast',
    });
    const bn = tfl.layers.batchNormalization({
      name: `${u.name}_bn`,
      axis: -1,
      momentum: BN_MOMENTUM,
      epsilon: BN_EPSILON,
    });
    const h = bn.apply(conv.apply(x)) as tfl.SymbolicTensor;
    return u.relu
      ? (tfl.layers
          .activation({ name: `${u.name}_relu`, activation: 'relu' })
          .apply(h) as tfl.SymbolicTensor)
      : h;
  };
  let h = input;
  for (const l of spec.layers) {
    switch (l.kind) {
      case 'convbn':
        h = unit(l, h);
        break;
      case 'block': {
        const [c1, c2, sc] = blockParts(l);
        const main = unit(c2!, unit(c1!, h));
        const skip = sc ? unit(sc, h) : h;
        const sum = tfl.layers.add({ name: `${l.name}_add` }).apply([main, skip]);
        h = tfl.layers
          .activation({ name: `${l.name}_relu`, activation: 'relu' })
          .apply(sum) as tfl.SymbolicTensor;
        break;
      }
      case 'gap':
        h = tfl.layers
          .globalAveragePooling2d({ name: l.name, dataFormat: 'channelsLast' })
          .apply(h) as tfl.SymbolicTensor;
        break;
      case 'dense':
        h = tfl.layers
          .dense({
            name: l.name,
            units: l.units,
            activation: l.relu ? 'relu' : 'linear',
            useBias: true,
          })
          .apply(h) as tfl.SymbolicTensor;
        break;
      default:
        throw new Error(`${spec.id}: layer ${l.name} (${l.kind}) has no graph export`);
    }
  }
  return tfl.model({ inputs: input, outputs: h, name: spec.id });
}

/**
 * A zoo spec as an (uncompiled, randomly initialised) TF.js layers model: a `tf.Sequential`
 * for the plain stacks, a functional model for resnet-s. Caller disposes.
 */
export function buildLayersModel(spec: ModelSpec): tfl.LayersModel {
  if (isGraph(spec)) return buildGraphModel(spec);
  const model = tfl.sequential({ name: spec.id });
  spec.layers.forEach((l, i) => {
    const input = i === 0 ? { inputShape: [...spec.inputShape] } : {};
    switch (l.kind) {
      case 'conv':
        model.add(
          tfl.layers.conv2d({
            ...input,
            name: l.name,
            filters: l.filters,
            kernelSize: l.kernel,
            strides: 1,
            padding: l.padding,
            activation: 'relu',
            useBias: true,
            dataFormat: 'channelsLast',
          }),
        );
        break;
      case 'maxpool':
        model.add(
          tfl.layers.maxPooling2d({
            ...input,
            name: l.name,
            poolSize: l.size,
            strides: l.size,
            padding: 'valid',
            dataFormat: 'channelsLast',
          }),
        );
        break;
      case 'flatten':
        model.add(tfl.layers.flatten({ ...input, name: l.name }));
        break;
      case 'convbn':
      case 'block':
      case 'gap':
        throw new Error(`${spec.id}: ${l.kind} layers need the graph export`);
      case 'dense':
        model.add(
          tfl.layers.dense({
            ...input,
            name: l.name,
            units: l.units,
            activation: l.relu ? 'relu' : 'linear',
            useBias: true,
          }),
        );
        break;
      default: {
        const never: never = l;
        throw new Error(`unknown layer ${JSON.stringify(never)}`);
      }
    }
  });
  return model;
}

/** `buildLayersModel` with the weights of `snapshot` (names and shapes must match the spec). */
export function snapshotToLayersModel(spec: ModelSpec, snapshot: WeightSnapshot): tfl.LayersModel {
  const infos = paramInfos(spec);
  infos.forEach((p, i) => {
    const shape = snapshot.shapes[i] ?? [];
    if (snapshot.names[i] !== p.name || shape.join('x') !== p.shape.join('x')) {
      throw new Error(
        `snapshot does not fit ${spec.id}: weight ${i} is ${snapshot.names[i] ?? 'missing'} ` +
          `[${shape.join(', ')}], expected ${p.name} [${p.shape.join(', ')}]`,
      );
    }
  });
  if (snapshot.names.length !== infos.length) {
    throw new Error(
      `snapshot has ${snapshot.names.length} weights, ${spec.id} has ${infos.length}`,
    );
  }
  const model = buildLayersModel(spec);
  try {
    for (const layer of new Set(infos.map((p) => p.layer))) {
      const values = infos.flatMap((p, i) =>
        p.layer === layer ? [tf.tensor(snapshot.data[i]!, p.shape, 'float32')] : [],
      );
      model.getLayer(layer).setWeights(values);
      tf.dispose(values);
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** Saves `snapshot` as the artifacts of a standard layers model (topology + weight bytes). */
export async function snapshotToArtifacts(
  spec: ModelSpec,
  snapshot: WeightSnapshot,
): Promise<tf.io.ModelArtifacts> {
  const model = snapshotToLayersModel(spec, snapshot);
  model.setUserDefinedMetadata({ salscape: { model: spec.id, label: spec.label } });
  try {
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
    if (!saved) throw new Error('model.save produced no artifacts');
    return saved;
  } finally {
    model.dispose();
  }
}

/**
 * Splits artifacts into a `model.json` object whose manifest points at one weights file
 * (`weightsPath`, default `weights.bin`) and the bytes of that file.
 */
export function artifactsToModelJSON(
  artifacts: tf.io.ModelArtifacts,
  weightsPath = 'weights.bin',
): { modelJSON: LayersModelJSON; weights: ArrayBuffer } {
  if (!artifacts.modelTopology || !artifacts.weightSpecs || !artifacts.weightData) {
    throw new Error('model artifacts lack topology, weight specs or weight data');
  }
  const modelJSON: LayersModelJSON = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? 'SALscape',
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs }],
  };
  if (artifacts.userDefinedMetadata) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
  return { modelJSON, weights: tf.io.CompositeArrayBuffer.join(artifacts.weightData) };
}

/** Canonical one-line description of a layer, used to compare architectures. */
type Signature = string;

function specSignature(l: LayerSpec): Signature {
  switch (l.kind) {
    case 'conv':
      return `${l.name}: Conv2D ${l.filters} ${l.kernel}x${l.kernel} stride 1x1 ${l.padding} relu bias`;
    case 'maxpool':
      return `${l.name}: MaxPooling2D ${l.size}x${l.size} stride ${l.size}x${l.size} valid`;
    case 'flatten':
      return `${l.name}: Flatten`;
    case 'dense':
      return `${l.name}: Dense ${l.units} ${l.relu ? 'relu' : 'linear'} bias`;
    default:
      throw new Error(`${l.kind} layers are matched through the graph export`);
  }
}

const pair = (v: unknown): string => (Array.isArray(v) ? v.join('x') : `${String(v)}x${String(v)}`);

/**
 * One layer's signature; in a functional model also the layers it reads from (so a residual
 * Add is matched by what it joins).
 */
function layerSignature(layer: tfl.layers.Layer, graph: boolean): Signature {
  const from = graph
    ? ` <- ${layer.inboundNodes[0]?.inboundLayers.map((l) => l.name).join(',') ?? ''}`
    : '';
  return plainSignature(layer) + from;
}

function plainSignature(layer: tfl.layers.Layer): Signature {
  const c = layer.getConfig() as Record<string, unknown>;
  const cls = layer.getClassName();
  const fmt =
    c.dataFormat === undefined || c.dataFormat === 'channelsLast' ? '' : ` ${String(c.dataFormat)}`;
  switch (cls) {
    case 'Conv2D': {
      const dil = pair(c.dilationRate ?? 1) === '1x1' ? '' : ` dilation ${pair(c.dilationRate)}`;
      return `${layer.name}: Conv2D ${String(c.filters)} ${pair(c.kernelSize)} stride ${pair(c.strides)} ${String(c.padding)} ${String(c.activation)}${c.useBias ? ' bias' : ''}${dil}${fmt}`;
    }
    case 'MaxPooling2D':
      return `${layer.name}: MaxPooling2D ${pair(c.poolSize)} stride ${pair(c.strides ?? c.poolSize)} ${String(c.padding)}${fmt}`;
    case 'Flatten':
      return `${layer.name}: Flatten${fmt}`;
    case 'Dense':
      return `${layer.name}: Dense ${String(c.units)} ${String(c.activation)}${c.useBias ? ' bias' : ''}`;
    case 'BatchNormalization':
      return `${layer.name}: BatchNormalization axis ${String(c.axis)} momentum ${String(c.momentum)} eps ${String(c.epsilon)} center ${String(c.center)} scale ${String(c.scale)}`;
    case 'Activation':
      return `${layer.name}: Activation ${String(c.activation)}`;
    case 'InputLayer':
      return `${layer.name}: InputLayer`;
    default:
      return `${layer.name}: ${cls}`;
  }
}

/**
 * The zoo spec whose architecture (layer kinds, names, sizes, activations, padding) equals the
 * model's; throws, listing the model's layers, when no zoo model matches.
 */
export function matchZooSpec(model: tfl.LayersModel): ModelSpec {
  const inShape = model.inputs[0]?.shape ?? [];
  const last = model.layers[model.layers.length - 1];
  const units = (last?.getConfig() as { units?: unknown } | undefined)?.units;
  const graph = !(model instanceof tfl.Sequential);
  const sigs = model.layers.map((l) => layerSignature(l, graph));
  const dims = inShape.slice(1);
  if (
    model.inputs.length === 1 &&
    dims.length === 3 &&
    dims.every((d) => typeof d === 'number') &&
    typeof units === 'number'
  ) {
    const shape = dims as [number, number, number];
    for (const id of MODEL_IDS) {
      const spec = buildSpec(id, shape, units);
      if (isGraph(spec) !== graph) continue;
      const want = graph ? graphSignatures(spec) : spec.layers.map(specSignature);
      if (want.length === sigs.length && want.every((s, i) => s === sigs[i])) return spec;
    }
  }
  throw new Error(
    `not a SALscape zoo model: input [${inShape.map(String).join(', ')}], layers ` +
      `[${sigs.join('; ')}] match none of ${MODEL_IDS.join(', ')}`,
  );
}

/** Layer signatures of a graph spec: those of the model its export builds. */
function graphSignatures(spec: ModelSpec): Signature[] {
  const ref = buildGraphModel(spec);
  try {
    return ref.layers.map((l) => layerSignature(l, true));
  } finally {
    ref.dispose();
  }
}

/** Position of each weight role in its TF.js layer's `weights` (trainable, then the rest). */
const ROLE_INDEX: Record<string, number> = {
  kernel: 0,
  bias: 1,
  gamma: 0,
  beta: 1,
  movingMean: 2,
  movingVariance: 3,
};

/** The zoo spec and weights of a loaded layers model (the model is left to the caller). */
export async function layersModelToSnapshot(
  model: tfl.LayersModel,
): Promise<{ spec: ModelSpec; snapshot: WeightSnapshot }> {
  const spec = matchZooSpec(model);
  const infos = paramInfos(spec);
  const data = await Promise.all(
    infos.map(async (p) => {
      const layer = model.getLayer(p.layer);
      const v =
        layer.weights.find((w) => w.originalName === p.name) ??
        layer.weights[ROLE_INDEX[p.role] ?? -1];
      if (!v || v.shape.join('x') !== p.shape.join('x')) {
        throw new Error(`${p.name}: weight missing or shaped [${v?.shape.join(', ') ?? ''}]`);
      }
      const d = await v.read().data();
      if (!(d instanceof Float32Array) || d.length !== shapeSize(p.shape)) {
        throw new Error(`${p.name}: expected ${shapeSize(p.shape)} float32 values`);
      }
      return d.slice();
    }),
  );
  return {
    spec,
    snapshot: { names: infos.map((p) => p.name), shapes: infos.map((p) => [...p.shape]), data },
  };
}

/** Loads a layers model through `handler` with stock `tf.loadLayersModel`, as a zoo snapshot. */
export async function loadZooModel(
  handler: tf.io.IOHandler,
): Promise<{ spec: ModelSpec; snapshot: WeightSnapshot }> {
  const model = await tfl.loadLayersModel(handler);
  try {
    return await layersModelToSnapshot(model);
  } finally {
    model.dispose();
  }
}
