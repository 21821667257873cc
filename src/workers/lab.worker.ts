/// <reference lib="webworker" />
/** The lab worker: validates each message and hands it to a LabSession. */
import '../ml/engine/tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { probeEnvironment, selectBackend } from '../ml/engine/backend';
import { loadDatasetFetch } from '../ml/data/load-fetch';
import { browserJpegCodec } from './jpeg-browser';
import { LabSession } from './lab-session';
import { parseToWorker, transferablesOf, type FromWorker } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});
// The threaded build breaks in a minified bundle under cross-origin isolation, and two cores
// gain little from threads (measured).
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

let dataUrl = './data';
const post = (msg: FromWorker) => self.postMessage(msg, transferablesOf(msg));
const session = new LabSession(
  post,
  async (msg) => {
    dataUrl = msg.dataUrl;
    return selectBackend(msg.backend, await probeEnvironment());
  },
  (id, split, onProgress) => loadDatasetFetch(dataUrl, id, split, onProgress),
  browserJpegCodec(),
);

self.onmessage = (ev: MessageEvent<unknown>) => {
  try {
    void session.handle(parseToWorker(ev.data));
  } catch (e) {
    post({ type: 'error', runId: null, message: (e as Error).message });
  }
};
