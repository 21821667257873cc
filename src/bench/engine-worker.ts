/// <reference lib="webworker" />
/** Runs one engine benchmark on one backend (fresh worker, so backends never mix). */
import '../ml/engine/tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { benchEngine, type EngineFigures } from '../ml/engine/bench-core';
import { probeEnvironment } from '../ml/engine/backend';
import type { ModelId } from '../ml/models/zoo';

declare const self: DedicatedWorkerGlobalScope;

export interface BenchRequest {
  backend: string;
  model: string;
  steps: number;
  points: number;
  warmup: number;
}
export type BenchReply = {
  request: BenchRequest;
  figures?: EngineFigures;
  detail?: string;
  error?: string;
};

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

self.onmessage = async (ev: MessageEvent<BenchRequest>) => {
  const req = ev.data;
  try {
    if (req.backend === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
    if (req.backend === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
    if (req.backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    if (req.backend === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend(req.backend))) throw new Error(`${req.backend} did not start`);
    await tf.ready();
    const probe = await probeEnvironment();
    const detail =
      req.backend === 'webgpu'
        ? probe.webgpu.detail
        : req.backend === 'webgl'
          ? probe.webgl.detail
          : req.backend === 'wasm'
            ? `SIMD ${(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'on' : 'off'}, 1 thread`
            : '';
    const figures = await benchEngine(req.model as ModelId, req.steps, req.points, req.warmup);
    self.postMessage({ request: req, figures, detail } satisfies BenchReply);
  } catch (e) {
    self.postMessage({ request: req, error: (e as Error).message } satisfies BenchReply);
  }
};
