/// <reference lib="webworker" />
/**
 * Starts one TF.js backend inside a bench worker (fresh worker per backend, so backends never
 * mix) and describes it: the GPU adapter or renderer, or the WASM build in use.
 */
import '../../src/ml/engine/tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { probeEnvironment } from '../../src/ml/engine/backend';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

/** What started: `detail` names the device; `software` is true for a software GPU. */
export interface StartedBackend {
  detail: string;
  software: boolean;
}

/** Loads and selects `backend`; throws when it does not start. */
export async function startBackend(backend: string): Promise<StartedBackend> {
  if (backend === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  if (backend === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (backend === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend(backend))) throw new Error(`${backend} did not start`);
  await tf.ready();
  const probe = await probeEnvironment();
  if (backend === 'webgpu') return { detail: probe.webgpu.detail, software: probe.webgpu.software };
  if (backend === 'webgl') return { detail: probe.webgl.detail, software: probe.webgl.software };
  if (backend === 'wasm') {
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    return { detail: `SIMD ${simd ? 'on' : 'off'}, 1 thread`, software: false };
  }
  return { detail: '', software: false };
}
