/**
 * A model described as plain data: its layer list, and a trained model (spec plus weights)
 * that TAP and SEP attack. Kept in core, without tfjs, because these records cross layers:
 * the cross-task result carries the clean digits model, the worker keeps finished runs by spec.
 */
import type { ModelName } from './train-config';
import type { WeightSnapshot } from './weights';

/** One layer. Kernels use TF.js layouts: conv [kh, kw, in, out], dense [in, out]. */
export type LayerSpec =
  | { kind: 'conv'; name: string; filters: number; kernel: number; padding: 'valid' | 'same' }
  | { kind: 'maxpool'; name: string; size: number }
  | { kind: 'flatten'; name: string }
  | { kind: 'dense'; name: string; units: number; relu: boolean };

/** A model: input shape [h, w, c], class count and layers; every conv is followed by relu. */
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
