/**
 * Shared by the demo store tests (demo-match, demo-store, demo-controller): a plain and a defended
 * demo built the way demo:build builds them, from fake-trained experiments, their index, and a
 * fake store whose settings are the plain demo's.
 */
import { LANDSCAPE_DEFAULTS } from '../../../src/core/landscape-types';
import type { PoisonMethodId } from '../../../src/core/poison-types';
import { Rng } from '../../../src/core/rng';
import type { DefenceSettings } from '../../../src/core/defence-types';
import type { AppStore } from '../../../src/store';
import {
  DEMO_FORMAT,
  DEMO_INDEX_FORMAT,
  DEMO_VERSION,
  decodeDemoIndex,
  encodeDemoIndex,
  splitDemoFile,
  type DemoFile,
  type DemoIndex,
  type DemoLandscape,
} from '../../../src/app/demos/demo-file';
import { jobsForView } from '../../../src/store/derived/landscape-view';
import { methodEps } from '../../../src/store/poison-config';
import { savedFromStore } from '../../../src/app/share/saved-experiment';
import type { FakeLab } from './fake-lab';
import { fakeStore, runExperiment, snapshot } from './share-fixture';

/** The poison methods of the plain demo. */
export const METHODS: PoisonMethodId[] = ['random', 'lsp', 'tap'];

/** A finished n x n surface on [-1, 1]² with random losses. */
function grid(n: number, rng: Rng) {
  const axis = Float32Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1));
  const loss = Float32Array.from({ length: n * n }, () => 1 + rng.next());
  return {
    xs: axis,
    ys: axis.slice(),
    loss,
    acc: loss.map(() => 0.5),
    done: new Uint8Array(n * n).fill(1),
  };
}

/** A demo built the way demo:build builds one, from a fake-trained experiment. */
function makeDemo(
  id: string,
  methods: PoisonMethodId[],
  defence: DefenceSettings | null,
): DemoFile {
  const { store, lab } = fakeStore();
  const s = store.getState();
  s.toggleMethod('lsp', false);
  for (const m of methods) s.toggleMethod(m, true);
  s.setDefence(defence);
  const expId = runExperiment(store, lab, 7);
  const st = store.getState();
  const exp = st.experiments[expId]!;
  const saved = savedFromStore(st, expId, 0)!;
  const rng = new Rng(3);
  const keyOf = (runId: string) => st.runs[runId]!.method ?? 'clean';
  const landscapes: DemoLandscape[] = [];
  const clean = { id: exp.cleanRunId, label: 'clean' };
  const seen = new Set<string>();
  for (const p of exp.poisonedRunIds)
    for (const view of ['surface', 'interpolation', 'path'] as const)
      for (const j of jobsForView(view, clean, { id: p, label: 'p' })) {
        const k = `${j.kind}|${j.source}|${j.target}`;
        if (seen.has(k)) continue;
        seen.add(k);
        const g = grid(5, rng);
        landscapes.push({
          kind: j.kind,
          source: keyOf(j.source),
          target: j.target ? keyOf(j.target) : null,
          settings: { ...LANDSCAPE_DEFAULTS },
          result:
            j.kind === 'surface'
              ? { kind: 'surface', surface: g }
              : j.kind === 'path'
                ? {
                    kind: 'path',
                    surface: g,
                    plane: {
                      pathA: Float32Array.of(1, 0.5, 0),
                      pathB: Float32Array.of(0.2, 0.1, 0),
                      explained: [0.9, 0.1],
                      offPlane: new Float32Array(3),
                    },
                  }
                : {
                    kind: 'interpolation',
                    curve: { alphas: g.xs, loss: g.xs.map((a) => a * a), acc: g.xs.map(() => 0.5) },
                  },
          centre: { loss: 1, acc: 0.5 },
        });
      }
  return {
    format: DEMO_FORMAT,
    version: DEMO_VERSION,
    id,
    label: id,
    createdAt: '2026-01-01T00:00:00.000Z',
    backend: 'wasm',
    settings: {
      config: { ...exp.config },
      sal: exp.sal,
      defence: exp.defence ?? null,
      ratio: st.poison.ratio,
      seed: st.poison.seed,
      eps: Object.fromEntries(methods.map((m) => [m, methodEps(st.poison, m, exp.config.dataset)])),
    },
    runs: saved.runs.map((r) => ({
      key: r.method ?? 'clean',
      run: { ...r, id: r.method ?? 'clean', experimentId: 'demo' },
      checkpoints: [snapshot(rng), snapshot(rng), snapshot(rng)],
    })),
    landscapes,
  };
}

/** The plain demo (three methods, no defence) and the defended one (class-wise EM, 2-bit depth). */
export const plain = makeDemo('plain', METHODS, null);
export const defended = makeDemo('defended', ['em-class'], { id: 'bitdepth', bits: 2 });
/** The demo index listing both demos, one file per run. */
export const index: DemoIndex = decodeDemoIndex(
  JSON.parse(
    encodeDemoIndex({
      format: DEMO_INDEX_FORMAT,
      version: DEMO_VERSION,
      demos: [plain, defended].map((f) => ({
        id: f.id,
        files: splitDemoFile(f).map(({ key }) => ({ key, file: `${f.id}/${key}.json`, bytes: 1 })),
        label: f.label,
        bytes: 1,
        settings: f.settings,
        methods: f.runs.slice(1).map((r) => r.key as PoisonMethodId),
        backend: 'wasm',
        seconds: 1,
        createdAt: f.createdAt,
      })),
    }),
  ),
);

/** A fresh fake store whose settings are the plain demo's, with `methods` toggled. */
export function demoStore(methods: PoisonMethodId[] = ['lsp']): { store: AppStore; lab: FakeLab } {
  const { store, lab } = fakeStore();
  const s = store.getState();
  for (const m of s.poison.methods) s.toggleMethod(m, false);
  for (const m of methods) s.toggleMethod(m, true);
  return { store, lab };
}
