/**
 * The browser half of `npm run bench:landscape` (bench.html?mode=landscape): one fresh worker
 * per backend, in order; results land in window.benchResults, progress in window.benchLog.
 * Query: backends=a,b & grids=N,M (per backend) & naive=N,M & images=N.
 */
import type { LandscapeReply, LandscapeRequest } from './landscape-worker';

export type Done = Extract<LandscapeReply, { kind: 'done' }>;

/** Console lines starting with this carry one finished row as JSON. */
export const ROW_PREFIX = 'landscape-row ';

declare global {
  interface Window {
    landscapeResults?: Done[];
    benchLog?: string[];
  }
}

function runOne(req: LandscapeRequest, log: (s: string) => void): Promise<Done> {
  const w = new Worker(new URL('./landscape-worker.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve) => {
    w.onmessage = (ev: MessageEvent<LandscapeReply>) => {
      if (ev.data.kind === 'log') return log(ev.data.text);
      w.terminate();
      resolve(ev.data);
    };
    w.onerror = (ev) => {
      w.terminate();
      resolve({ kind: 'done', request: req, error: ev.message || 'worker error' });
    };
    w.postMessage(req);
  });
}

/** Runs the requested backends and sets window.landscapeResults and window.benchDone. */
export async function runLandscapePage(params: URLSearchParams, out: HTMLElement): Promise<void> {
  const backends = (params.get('backends') ?? 'wasm,webgl,cpu,webgpu').split(',');
  const grids = (params.get('grids') ?? '').split(',').map(Number);
  const naive = (params.get('naive') ?? '').split(',').map(Number);
  const images = Number(params.get('images') ?? 1000);
  // The page sits at bench/browser/bench.html; the app's data lie at the site root.
  const dataUrl = new URL('../../data', location.href).href;
  const logLines: string[] = [];
  window.benchLog = logLines;
  const log = (s: string) => {
    logLines.push(s);
    out.textContent = logLines.join('\n');
    console.log(s); // bench:landscape forwards page console lines as progress
  };
  const results: Done[] = [];
  for (const [i, backend] of backends.entries()) {
    const req: LandscapeRequest = {
      backend,
      grid: grids[i] || 7,
      naivePoints: naive[i] || 10,
      images,
      dataUrl,
    };
    const done = await runOne(req, log);
    results.push(done);
    // Each row goes out as soon as it is done, so a run stopped early keeps the finished ones.
    console.log(`${ROW_PREFIX}${JSON.stringify(done)}`);
  }
  out.textContent = JSON.stringify(results, null, 1);
  window.landscapeResults = results;
  window.benchDone = true;
}
