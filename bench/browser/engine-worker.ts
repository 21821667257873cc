/// <reference lib="webworker" />
/** Runs one engine benchmark on one backend (fresh worker, so backends never mix). */
import { benchEngine, type EngineFigures } from '../measure/engine-measure';
import type { ModelId } from '../../src/ml/models/zoo';
import { startBackend } from './backend-start';

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

self.onmessage = async (ev: MessageEvent<BenchRequest>) => {
  const req = ev.data;
  try {
    const { detail } = await startBackend(req.backend);
    const figures = await benchEngine(req.model as ModelId, req.steps, req.points, req.warmup);
    self.postMessage({ request: req, figures, detail } satisfies BenchReply);
  } catch (e) {
    self.postMessage({ request: req, error: (e as Error).message } satisfies BenchReply);
  }
};
