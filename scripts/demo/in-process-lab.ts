/**
 * The app's worker, in this Node process: a LabSession (the code lab.worker.ts runs) behind
 * the client interface the store talks to, so the demo build trains through the app's own
 * store, queue and reducers, on the WASM backend, exactly as a page does.
 */
import '../../src/ml/engine/tf-setup';
import { selectBackendNode } from '../../src/ml/engine/backend';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { nodeJpegCodec } from '../../src/ml/defences/jpeg-node';
import type { LabClientLike } from '../../src/store/types';
import type { RunMessage } from '../../src/workers/client';
import { LabSession } from '../../src/workers/lab-session';
import type { FromWorker, ToWorker } from '../../src/workers/protocol';

/** A client whose worker is a LabSession in this process; messages are cloned as postMessage would. */
export function inProcessLab(
  onReady: (msg: Extract<FromWorker, { type: 'ready' }>) => void,
  /** Sees every message first (the build keeps each epoch's checkpoint). */
  tap?: (msg: FromWorker) => void,
): {
  client: LabClientLike;
  session: LabSession;
} {
  const handlers = new Map<string, (msg: RunMessage) => void>();
  const post = (raw: FromWorker) => {
    const msg = structuredClone(raw);
    tap?.(msg);
    if (msg.type === 'ready') return onReady(msg);
    if (msg.type === 'error' && msg.runId === null) throw new Error(msg.message);
    const runMsg = msg as RunMessage;
    const h = handlers.get(runMsg.runId);
    if (!h) return;
    if (runMsg.type === 'done' || runMsg.type === 'cancelled' || runMsg.type === 'error')
      handlers.delete(runMsg.runId);
    h(runMsg);
  };
  const session = new LabSession(
    post,
    async () => {
      const report = await selectBackendNode('wasm');
      if (report.chosen !== 'wasm') throw new Error('the WASM backend did not start');
      return report;
    },
    (id, split) => loadDatasetNode(id, split),
    nodeJpegCodec,
  );
  const send = (msg: ToWorker) => void session.handle(msg);
  const job = <T extends object>(
    type: 'train' | 'filter-sal' | 'landscape',
    body: T,
    on: (m: RunMessage) => void,
    runId: string,
  ) => {
    handlers.set(runId, on);
    send({ type, runId, ...body } as unknown as ToWorker);
    return runId;
  };
  let n = 0;
  const id = (p: string) => `${p}-${++n}`;
  const client: LabClientLike = {
    init: (backend, dataUrl) => send({ type: 'init', backend, dataUrl }),
    train: (j, on, runId = id('run')) => job('train', j, on, runId),
    filterSal: (j, on, runId = id('filters')) => job('filter-sal', j, on, runId),
    landscape: (j, on, runId = id('landscape')) => job('landscape', j, on, runId),
    adopt: (j) => send({ type: 'adopt', ...j }),
    cancel: (runId) => send({ type: 'cancel', runId }),
  };
  return { client, session };
}
