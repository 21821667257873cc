/**
 * A model described as plain data: its layer list, and a trained model (spec plus weights)
 * that TAP and SEP attack. Kept in core, without tfjs, because these records cross layers:
 * the cross-task result carries the clean digits model, the worker keeps finished runs by spec.
 */
import type { ModelName } from './train-config';
import type { WeightSnapshot } from './weights';

/**
 * A conv without bias, 'same' padding, followed by BatchNorm (layer `${name}_bn`) and, when
 * `relu`, a ReLU: the unit of the residual models (PyTorch's conv-BN-ReLU with bias=False).
 */
export interface ConvBnSpec {
  kind: 'convbn';
  name: string;
  filters: number;
  kernel: number;
  stride: number;
  relu: boolean;
}

/**
 * A basic residual block (He et al. 2016, the block of ResNet-18): relu(bn2(conv2(relu(bn1(
 * conv1(x))))) + s(x)), convs 3x3, conv1 with `stride`; s is a 1x1 conv + BN with `stride`
 * when `shortcut` (shape changes), else the identity. Inner layers: `${name}_conv1`,
 * `${name}_conv2`, `${name}_short` (each a ConvBnSpec, see blockParts in the zoo).
 */
export interface BlockSpec {
  kind: 'block';
  name: string;
  filters: number;
  stride: number;
  shortcut: boolean;
}

/** One layer. Kernels use TF.js layouts: conv [kh, kw, in, out], dense [in, out]. */
export type LayerSpec =
  | { kind: 'conv'; name: string; filters: number; kernel: number; padding: 'valid' | 'same' }
  | { kind: 'maxpool'; name: string; size: number }
  | { kind: 'flatten'; name: string }
  | { kind: 'dense'; name: string; units: number; relu: boolean }
  | ConvBnSpec
  | BlockSpec
  /** Global average pooling: [N, H, W, C] -> [N, C]. */
  | { kind: 'gap'; name: string };

/** BatchNorm's epsilon, PyTorch's default (TF.js's own default is 1e-3). */
export const BN_EPSILON = 1e-5;
/**
 * BatchNorm's moving-average momentum in the TF.js/Keras sense (moving = m * moving +
 * (1 - m) * batch): 0.9 is PyTorch's default momentum 0.1.
 */
export const BN_MOMENTUM = 0.9;

/**
 * True for BatchNorm's running statistics (`layer/moving_mean`, `layer/moving_variance`): state
 * of a model, not parameters. They are never trained by gradient, never perturbed by a landscape
 * direction and never count as a layer.
 */
export function isRunningStat(weightName: string): boolean {
  return /\/moving_(mean|variance)$/.test(weightName);
}

/**
 * A model: input shape [h, w, c], class count and layers; every 'conv' is followed by relu.
 */
export interface ModelSpec {
  id: ModelName;
  label: string;
  inputShape: [number, number, number];
  numClasses: number;
  layers: LayerSpec[];
}

/** A trained clean model: its spec, final weights and (for SEP) checkpoints along the run. */
export interface SurrogateModel {
  spec: ModelSpec;
  weights: WeightSnapshot;
  /** Checkpoints of the clean run in order (SEP); the random init may be left out. */
  checkpoints?: WeightSnapshot[];
}
