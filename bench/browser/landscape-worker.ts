/// <reference lib="webworker" />
/** Runs the landscape benchmark (landscape-measure.ts) on one backend in a fresh worker. */
import { selectSubset } from '../../src/core/dataset';
import { loadDatasetFetch } from '../../src/ml/data/load-fetch';
import { startBackend } from './backend-start';
import { measureLandscape, type LandscapeFigures } from '../measure/landscape-measure';

declare const self: DedicatedWorkerGlobalScope;

export interface LandscapeRequest {
  backend: string;
  grid: number;
  naivePoints: number;
  images: number;
  /** Absolute URL of the prepared data sets (the app's public/data). */
  dataUrl: string;
}
export type LandscapeReply =
  | { kind: 'log'; text: string }
  | {
      kind: 'done';
      request: LandscapeRequest;
      figures?: LandscapeFigures;
      detail?: string;
      software?: boolean;
      error?: string;
    };

self.onmessage = async (ev: MessageEvent<LandscapeRequest>) => {
  const req = ev.data;
  const log = (text: string) =>
    self.postMessage({ kind: 'log', text: `${req.backend}: ${text}` } satisfies LandscapeReply);
  try {
    const { detail, software } = await startBackend(req.backend);
    const all = await loadDatasetFetch(req.dataUrl, 'mnist', 'test');
    const n = Math.min(req.images, all.count);
    const set = selectSubset(
      all,
      Int32Array.from({ length: n }, (_, i) => i),
    );
    const figures = await measureLandscape(set, req.grid, req.naivePoints, log);
    self.postMessage({
      kind: 'done',
      request: req,
      figures,
      detail,
      software,
    } satisfies LandscapeReply);
  } catch (e) {
    self.postMessage({
      kind: 'done',
      request: req,
      error: (e as Error).message,
    } satisfies LandscapeReply);
  }
};
