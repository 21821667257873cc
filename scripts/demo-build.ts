/**
 * `npm run demo:build`: the pretrained demo runs of `public/models/`. For the default
 * configuration it trains the clean run and one poisoned run per method (every method at its
 * default budget), and the experiment of the 'defences' lesson, with per-epoch metrics, SAL,
 * poison summaries and galleries, every checkpoint, and the default landscapes (surface, the
 * training-path plane, initial -> final, clean -> each poisoned run). It drives the app's own
 * store and worker code (a LabSession in this process, WASM backend), so the numbers are the
 * ones the app computes for the same settings. Writes one file per run of each demo
 * (`<id>/<run>.json`: a page fetches only the runs it toggles) plus index.json.
 *
 *   npm run demo:build                 # every demo
 *   npm run demo:build -- mnist-cnn-s  # one demo (the index keeps the others)
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DefenceSettings } from '../src/core/defence-types';
import { LANDSCAPE_DEFAULTS } from '../src/core/landscape-types';
import { POISON_METHOD_IDS, type PoisonMethodId } from '../src/core/poison-types';
import type { WeightSnapshot } from '../src/core/weights';
import { loadDatasetNode } from '../src/ml/data/load-node';
import { initSnapshot } from '../src/ml/models/params';
import { specFor } from '../src/ml/train/run-training';
import { createAppStore, isActiveLandscape, isActiveStatus, type AppStore } from '../src/store';
import {
  DEMO_FORMAT,
  DEMO_INDEX_FORMAT,
  DEMO_VERSION,
  decodeDemoIndex,
  encodeDemoIndex,
  type DemoFile,
  type DemoIndexEntry,
  type DemoLandscape,
  type DemoRun,
  type DemoRunKey,
} from '../src/app/demos/demo-file';
import { methodEps } from '../src/store/poison-config';
import { savedFromStore } from '../src/app/share/saved-experiment';
import { jobsForView } from '../src/store/derived/landscape-view';
import type { FromWorker } from '../src/workers/protocol';
import { inProcessLab } from './demo/in-process-lab';
import { writeDemo } from './demo/write-demo';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** DEMO_SMOKE=DIR: a tiny configuration written to DIR, to check the build end to end quickly. */
const SMOKE = process.env.DEMO_SMOKE;
const OUT = SMOKE ? path.resolve(SMOKE) : path.join(ROOT, 'public', 'models');
/** The committed demos must stay small (issue 7). */
const BUDGET_BYTES = 10_000_000;

interface DemoPlan {
  id: string;
  label: string;
  methods: readonly PoisonMethodId[];
  defence: DefenceSettings | null;
}

/** The default settings with every method, and the 'defences' lesson's experiment. */
export const DEMO_PLANS: readonly DemoPlan[] = [
  {
    id: 'mnist-cnn-s',
    label: 'MNIST · cnn-s · default settings: clean and every poison at its default budget',
    methods: POISON_METHOD_IDS,
    defence: null,
  },
  {
    id: 'mnist-cnn-s-bitdepth2',
    label: 'MNIST · cnn-s · default settings, bit-depth 2 defence: clean and EM (class)',
    methods: ['em-class'],
    defence: { id: 'bitdepth', bits: 2 },
  },
];

const t0 = performance.now();
const clock = () => `[${((performance.now() - t0) / 1000).toFixed(0).padStart(5)} s]`;
const log = (s: string) => process.stderr.write(`${clock()} ${s}\n`);

/** Resolves when `done(state)` holds, checking on every store change. */
function until(store: AppStore, done: (s: ReturnType<AppStore['getState']>) => boolean) {
  return new Promise<void>((resolve) => {
    if (done(store.getState())) return resolve();
    const unsub = store.subscribe((s) => {
      if (!done(s)) return;
      unsub();
      resolve();
    });
  });
}

async function buildDemo(plan: DemoPlan): Promise<{ file: DemoFile; seconds: number }> {
  const started = performance.now();
  const checkpoints = new Map<string, WeightSnapshot[]>();
  const store = createAppStore();
  const { client } = inProcessLab(
    (msg) => store.getState().backendReady(msg.backend),
    (msg: FromWorker) => {
      if (msg.type !== 'epoch') return;
      const list = checkpoints.get(msg.runId) ?? [];
      list[msg.metrics.epoch] = msg.checkpoint;
      checkpoints.set(msg.runId, list);
    },
  );
  store.getState().connectLab(client, '');
  await until(store, (s) => s.backendStatus === 'ready');
  const s0 = store.getState();
  s0.resetConfig();
  if (SMOKE) {
    s0.setConfig({ trainSize: 200, testSize: 100, epochs: 2 });
    s0.setSalSettings({ subsetSize: 64 });
  }
  for (const m of POISON_METHOD_IDS) s0.toggleMethod(m, plan.methods.includes(m));
  s0.setDefence(plan.defence);
  const expId = s0.startExperiment();
  if (!expId) throw new Error(`could not start: ${store.getState().startError ?? '?'}`);
  const exp = store.getState().experiments[expId]!;
  const runIds = [exp.cleanRunId, ...exp.poisonedRunIds];
  const keyOf = (id: string): DemoRunKey => store.getState().runs[id]?.method ?? 'clean';
  let seen = '';
  const unsub = store.subscribe((s) => {
    const line = runIds
      .map((id) => {
        const r = s.runs[id]!;
        return `${keyOf(id)} ${r.status}${r.epochs.length ? ` ${r.epochs.length}/${r.config.epochs}` : ''}`;
      })
      .filter((x) => !/queued$/.test(x))
      .at(-1);
    if (line && line !== seen) {
      seen = line;
      log(`${plan.id}: ${line}`);
    }
  });
  await until(store, (s) => runIds.every((id) => !isActiveStatus(s.runs[id]!.status)));
  unsub();
  for (const id of runIds) {
    const r = store.getState().runs[id]!;
    if (r.status !== 'done') throw new Error(`${keyOf(id)} ${r.status}: ${r.error ?? ''}`);
    const last = r.epochs.at(-1)!;
    log(
      `${plan.id}: ${keyOf(id)} test acc ${(100 * last.testAcc).toFixed(1)}%, train acc ${(100 * last.trainAcc).toFixed(1)}%`,
    );
  }

  // The landscapes the panel asks for with the default settings, for every run.
  const clean = { id: exp.cleanRunId, label: 'clean' };
  const needed = new Map<
    string,
    { kind: DemoLandscape['kind']; source: string; target: string | null }
  >();
  for (const p of exp.poisonedRunIds) {
    for (const view of ['surface', 'interpolation', 'path'] as const)
      for (const j of jobsForView(view, clean, { id: p, label: keyOf(p) }))
        needed.set(`${j.kind}|${j.source}|${j.target ?? '-'}`, j);
  }
  store
    .getState()
    .setLandscapeSettings({ ...LANDSCAPE_DEFAULTS, ...(SMOKE ? { grid: 5, limit: 64 } : {}) });
  const keys = [...needed.values()].map((j) =>
    store.getState().requestLandscape(j.kind, j.source, j.target),
  );
  log(`${plan.id}: ${keys.length} landscapes queued`);
  let doneCount = 0;
  await until(store, (s) => {
    const n = keys.filter((k) => s.landscapes[k] && !isActiveLandscape(s.landscapes[k])).length;
    if (n !== doneCount) {
      doneCount = n;
      log(`${plan.id}: landscapes ${n}/${keys.length}`);
    }
    return n === keys.length;
  });
  const landscapes: DemoLandscape[] = keys.map((k) => {
    const j = store.getState().landscapes[k]!;
    if (j.status !== 'done' || !j.result)
      throw new Error(`landscape ${k} ${j.status}: ${j.error ?? ''}`);
    return {
      kind: j.kind,
      source: keyOf(j.sourceRunId),
      target: j.targetRunId ? keyOf(j.targetRunId) : null,
      settings: j.settings,
      result: j.result,
      centre: j.centre,
    };
  });

  const saved = savedFromStore(store.getState(), expId, Date.now())!;
  const test = await loadDatasetNode(exp.config.dataset, 'test');
  const init = initSnapshot(specFor(exp.config, test), exp.config.seed);
  const runs: DemoRun[] = saved.runs.map((r) => {
    const key = keyOf(r.id);
    const ckpts = checkpoints.get(r.id) ?? [];
    const all = [init, ...ckpts.slice(1)];
    if (all.length !== r.config.epochs + 1 || all.some((w) => !w))
      throw new Error(`${key}: expected ${r.config.epochs} checkpoints, got ${ckpts.length - 1}`);
    return { key, run: { ...r, id: key, experimentId: 'demo' }, checkpoints: all };
  });
  const s = store.getState();
  const file: DemoFile = {
    format: DEMO_FORMAT,
    version: DEMO_VERSION,
    id: plan.id,
    label: plan.label,
    createdAt: new Date().toISOString(),
    backend: 'wasm',
    settings: {
      config: { ...exp.config },
      sal: exp.sal,
      defence: exp.defence ?? null,
      ratio: s.poison.ratio,
      seed: s.poison.seed,
      eps: Object.fromEntries(
        plan.methods.map((m) => [m, methodEps(s.poison, m, exp.config.dataset)]),
      ),
    },
    runs,
    landscapes,
  };
  return { file, seconds: (performance.now() - started) / 1000 };
}

function readIndex(): DemoIndexEntry[] {
  try {
    return decodeDemoIndex(JSON.parse(readFileSync(path.join(OUT, 'index.json'), 'utf8'))).demos;
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const plans = (only.length ? DEMO_PLANS.filter((p) => only.includes(p.id)) : DEMO_PLANS).map(
    (p) => (SMOKE && p.methods.length > 2 ? { ...p, methods: ['random', 'tap'] as const } : p),
  );
  if (plans.length === 0)
    throw new Error(
      `unknown demo ${only.join(', ')}; known: ${DEMO_PLANS.map((p) => p.id).join(', ')}`,
    );
  mkdirSync(OUT, { recursive: true });
  const entries = new Map(readIndex().map((e) => [e.id, e]));
  for (const plan of plans) {
    log(`${plan.id}: clean + ${plan.methods.length} poisoned runs`);
    const { file, seconds } = await buildDemo(plan);
    const entry = writeDemo(OUT, file, seconds);
    entries.set(plan.id, entry);
    log(
      `${plan.id}: wrote ${entry.files.length} run files to ${plan.id}/, ${(entry.bytes / 1e6).toFixed(2)} MB, ${seconds.toFixed(0)} s`,
    );
  }
  const demos = DEMO_PLANS.map((p) => entries.get(p.id)).filter(
    (e): e is DemoIndexEntry => e !== undefined,
  );
  writeFileSync(
    path.join(OUT, 'index.json'),
    encodeDemoIndex({ format: DEMO_INDEX_FORMAT, version: DEMO_VERSION, demos }),
  );
  const total = [...demos.flatMap((d) => d.files.map((f) => f.file)), 'index.json']
    .map((f) => statSync(path.join(OUT, f)).size)
    .reduce((a, b) => a + b, 0);
  const secs = (performance.now() - t0) / 1000;
  process.stdout.write(
    `demo:build: ${demos.length} demos in public/models, ${(total / 1e6).toFixed(2)} MB in all (budget ${(BUDGET_BYTES / 1e6).toFixed(1)} MB), ${secs.toFixed(0)} s\n`,
  );
  if (total > BUDGET_BYTES) throw new Error('the demos are over the 10 MB budget');
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`demo:build failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
