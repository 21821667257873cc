/** Starts a TF.js backend for a Node test file (WASM unless asked otherwise). */
import '../../../src/ml/engine/tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackendNode } from '../../../src/ml/engine/backend';
import type { BackendName } from '../../../src/core/run-types';

export async function useBackend(
  name: Extract<BackendName, 'wasm' | 'cpu'> = 'wasm',
): Promise<typeof tf> {
  const report = await selectBackendNode(name);
  if (report.chosen !== name) throw new Error(`wanted ${name}, got ${report.chosen}`);
  return tf;
}
