/**
 * The browser side of `npm run bench:engine`: one worker per backend, results as JSON.
 * With ?mode=landscape the page runs `npm run bench:landscape` instead (landscape-page.ts).
 */
import type { BenchReply, BenchRequest } from './engine-worker';

declare global {
  interface Window {
    benchResults?: BenchReply[];
    benchDone?: boolean;
  }
}

const params = new URLSearchParams(location.search);
const backends = (params.get('backends') ?? 'webgpu,webgl,wasm,cpu').split(',');
const models = (params.get('models') ?? 'cnn-s,lenet5').split(',');
const out = document.getElementById('out')!;
const results: BenchReply[] = [];

function runOne(req: BenchRequest): Promise<BenchReply> {
  const w = new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve) => {
    w.onmessage = (ev: MessageEvent<BenchReply>) => {
      w.terminate();
      resolve(ev.data);
    };
    w.onerror = (ev) => {
      w.terminate();
      resolve({ request: req, error: ev.message || 'worker error' });
    };
    w.postMessage(req);
  });
}

async function runEngine(): Promise<void> {
  for (const backend of backends) {
    for (const model of models) {
      const slow = backend !== 'wasm';
      const req: BenchRequest = {
        backend,
        model,
        steps: slow ? 3 : 30,
        points: slow ? 5 : 50,
        warmup: slow ? 1 : 3,
      };
      out.textContent = `running ${backend} ${model}…\n` + JSON.stringify(results, null, 1);
      results.push(await runOne(req));
      if (results.at(-1)?.error) break; // the backend is not there: skip its other models
    }
  }
  out.textContent = JSON.stringify(results, null, 1);
  window.benchResults = results;
  window.benchDone = true;
}

if (params.get('mode') === 'landscape')
  await (await import('./landscape-page')).runLandscapePage(params, out);
else await runEngine();
