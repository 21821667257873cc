/**
 * `npm run bench:engine`: training and grid-point evaluation throughput for cnn-s and lenet5 on
 * every TF.js backend in Node and in headless Chromium, and in PyTorch CPU when the system
 * python3 has torch (Debian: python3-torch), measured in one run (PyTorch twice, before and
 * after TF.js, keeping the faster). Prints a table with ratios against PyTorch and against the
 * TF.js cpu backend; writes bench-results/engine.json.
 * Flags limit the run (e.g. a quick Node-only pass: --node wasm --browser none); `--help`.
 */
import '../../src/ml/engine/tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatFlags, parseFlags, UsageError, type FlagTable } from '../../src/cli/args';
import { selectBackendNode } from '../../src/ml/engine/backend';
import { benchEngine, type EngineFigures } from '../measure/engine-measure';
import { launch, ROOT, startPreview } from '../../tests/browser/harness';
import { intFlag, list } from './flags';

const MODELS = ['cnn-s', 'lenet5', 'vgg-s', 'mlp'] as const;
const NODE_BACKENDS = ['cpu', 'wasm'] as const;
const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
const FLAGS = {
  models: { type: 'string', value: 'a,b', help: 'models (default cnn-s,lenet5)' },
  node: { type: 'string', value: 'a,b|none', help: 'Node backends (default cpu,wasm)' },
  browser: {
    type: 'string',
    value: 'a,b|none',
    help: 'Chromium backends (default webgpu,webgl,wasm,cpu)',
  },
  'no-torch': { type: 'boolean', help: 'skip PyTorch' },
  'torch-threads': {
    type: 'string',
    value: 'T',
    help: "PyTorch's thread count (default: its own; TF.js WASM runs on one thread)",
  },
  leak: {
    type: 'string',
    value: 'N',
    help: 'steps and points of the leak check, 0 skips it (default 1000)',
  },
  out: { type: 'string', value: 'FILE', help: 'results file (default bench-results/engine.json)' },
} as const satisfies FlagTable;

const log = (s: string) => process.stderr.write(s + '\n');
let flags: ReturnType<typeof parseFlags<typeof FLAGS>>['values'];
try {
  flags = parseFlags('bench:engine', process.argv.slice(2), FLAGS).values;
  if (flags.help) {
    console.log(`Usage: npm run bench:engine -- [flags]\n\nFlags:\n${formatFlags(FLAGS)}`);
    process.exit(0);
  }
} catch (e) {
  log(`bench:engine: ${(e as Error).message}`);
  process.exit(e instanceof UsageError ? 2 : 1);
}
const backendList = <T extends string>(raw: string | undefined, all: readonly T[], flag: string) =>
  raw?.trim() === 'none' ? [] : list(raw, all, flag, all);
const models = list(flags.models, MODELS, 'models', ['cnn-s', 'lenet5']);
const nodeBackends = backendList(flags.node, NODE_BACKENDS, 'node');
const browserBackends = backendList(flags.browser, BROWSER_BACKENDS, 'browser');
const leakN = intFlag('leak', flags.leak, 1000, 0);
const outFile = flags.out ?? join(ROOT, 'bench-results', 'engine.json');

type Row = EngineFigures & { env: string; detail?: string };
const rows: Row[] = [];
let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

// PyTorch runs once before and once after TF.js (see fasterTorch below).
const torchBefore = flags['no-torch'] ? null : measureTorch();

// Node
for (const backend of nodeBackends) {
  await selectBackendNode(backend);
  // Node cannot start the threaded WASM build (its pthreads are blob: workers, which Node's
  // worker_threads refuse), so WASM runs on one thread here, like PyTorch's default below.
  const simd = backend === 'wasm' && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  for (const m of models) {
    log(`node ${backend} ${m}…`);
    const fast = backend === 'wasm';
    rows.push({
      env: 'node',
      ...(await benchEngine(m, fast ? 60 : 6, fast ? 100 : 6, fast ? 3 : 1)),
      ...(backend === 'wasm' ? { detail: `SIMD ${simd ? 'on' : 'off'}, 1 thread` } : {}),
    });
  }
}
let leak: EngineFigures | null = null;
if (leakN > 0) {
  log(`node wasm leak check: ${leakN} training steps and ${leakN} grid points…`);
  await selectBackendNode('wasm');
  leak = await benchEngine('cnn-s', leakN, leakN, 1);
}

// Chromium
let browserNote = '';
if (browserBackends.length > 0)
  try {
    log('chromium: building and serving bench.html…');
    execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' });
    const { url, proc } = await startPreview();
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.goto(
        `${url}bench/browser/bench.html?backends=${browserBackends.join(',')}&models=${models.join(',')}`,
      );
      await page.waitForFunction(() => window.benchDone === true, null, { timeout: 15 * 60_000 });
      const res = (await page.evaluate(() => window.benchResults)) ?? [];
      for (const r of res) {
        if (r.figures)
          rows.push({ env: 'chromium', ...r.figures, ...(r.detail ? { detail: r.detail } : {}) });
        else log(`chromium ${r.request.backend} ${r.request.model}: ${r.error}`);
      }
    } finally {
      await browser.close();
      proc.kill();
    }
  } catch (e) {
    browserNote = `browser part skipped: ${(e as Error).message}`;
    log(browserNote);
  }

// PyTorch
type TorchFigures = {
  torch: string;
  threads: number;
  models: Record<
    string,
    {
      trainExPerSec: number;
      gridImgPerSec: number;
      trainExPerCpuSec?: number;
      gridImgPerCpuSec?: number;
    }
  >;
};

/** One run of the PyTorch yardstick, or null (with a note) when python3 has no torch. */
function measureTorch(): TorchFigures | null {
  try {
    log('pytorch cpu…');
    const out = execFileSync(
      '/usr/bin/python3',
      [
        join(ROOT, 'bench/node/torch_engine.py'),
        '100',
        '100',
        ...(flags['torch-threads']
          ? [String(intFlag('torch-threads', flags['torch-threads'], 1, 1))]
          : []),
      ],
      { encoding: 'utf8' },
    );
    return JSON.parse(out.trim().split('\n').at(-1)!) as TorchFigures;
  } catch (e) {
    log(
      `PyTorch not measured (${(e as Error).message.split('\n')[0]}); install Debian's python3-torch`,
    );
    return null;
  }
}

/**
 * Per model and figure, the faster of two PyTorch runs. On a shared 2-core machine one run can
 * land in a slow spell (seen: 12k instead of 18k grid img/s right after the browser part), which
 * would flatter the ratios; the faster run is the fair yardstick.
 */
function fasterTorch(a: TorchFigures | null, b: TorchFigures | null): TorchFigures | null {
  if (!a || !b) return a ?? b;
  const models: TorchFigures['models'] = {};
  for (const [m, x] of Object.entries(a.models)) {
    const y = b.models[m];
    if (!y) {
      models[m] = x;
      continue;
    }
    const best = (k: keyof typeof x) => Math.max(x[k] ?? 0, y[k] ?? 0);
    models[m] = {
      trainExPerSec: best('trainExPerSec'),
      gridImgPerSec: best('gridImgPerSec'),
      trainExPerCpuSec: best('trainExPerCpuSec'),
      gridImgPerCpuSec: best('gridImgPerCpuSec'),
    };
  }
  return { ...a, models };
}

const torch = flags['no-torch'] ? null : fasterTorch(torchBefore, measureTorch());
clearInterval(rssTimer);

// Table
const fmt = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? '-' : Math.round(v).toLocaleString('en');
const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}x` : '-');
const cpuOf = (env: string, m: string) =>
  rows.find((r) => r.env === env && r.backend === 'cpu' && r.model === m);
console.log(
  `\nSALscape engine benchmark (${new Date().toISOString()}), examples per second; cnn-s and lenet5, batch 64; grid: 256 images per point`,
);
console.log(
  'env      backend model   train ex/s  vs torch  vs tfjs-cpu | grid img/s  naive img/s  fast/naive  vs torch  vs tfjs-cpu',
);
for (const r of rows) {
  const t = torch?.models[r.model];
  const c = cpuOf(r.env, r.model);
  console.log(
    [
      r.env.padEnd(8),
      r.backend.padEnd(7),
      r.model.padEnd(7),
      fmt(r.trainExPerSec).padStart(10),
      ratio(r.trainExPerSec, t?.trainExPerSec).padStart(9),
      ratio(r.trainExPerSec, c?.trainExPerSec).padStart(12),
      '|',
      fmt(r.gridImgPerSec).padStart(10),
      fmt(r.naiveGridImgPerSec).padStart(12),
      ratio(r.gridImgPerSec, r.naiveGridImgPerSec).padStart(11),
      ratio(r.gridImgPerSec, t?.gridImgPerSec).padStart(9),
      ratio(r.gridImgPerSec, c?.gridImgPerSec).padStart(12),
    ].join(' ') + (r.detail ? `   (${r.detail})` : ''),
  );
}
if (torch)
  for (const m of models)
    console.log(
      `pytorch  cpu     ${m.padEnd(7)} ${fmt(torch.models[m]?.trainExPerSec).padStart(10)}${' '.repeat(24)} | ${fmt(torch.models[m]?.gridImgPerSec).padStart(10)}   (torch ${torch.torch}, ${torch.threads} thread(s), the faster of 2 runs)`,
    );
// Per second of CPU time (Node rows and PyTorch): comparable while neighbours load the machine.
const cpuRows = rows.filter((r) => r.trainExPerCpuSec != null);
if (cpuRows.length > 0) {
  console.log(
    '\nper CPU second: env backend model   train ex/s  vs torch | grid img/s  naive img/s  fast/naive  vs torch',
  );
  for (const r of cpuRows) {
    const t = torch?.models[r.model];
    console.log(
      [
        'cpu-time',
        r.env.padEnd(6),
        r.backend.padEnd(4),
        r.model.padEnd(7),
        fmt(r.trainExPerCpuSec ?? undefined).padStart(10),
        ratio(r.trainExPerCpuSec ?? NaN, t?.trainExPerCpuSec).padStart(9),
        '|',
        fmt(r.gridImgPerCpuSec ?? undefined).padStart(10),
        fmt(r.naiveGridImgPerCpuSec ?? undefined).padStart(12),
        ratio(r.gridImgPerCpuSec ?? NaN, r.naiveGridImgPerCpuSec ?? undefined).padStart(11),
        ratio(r.gridImgPerCpuSec ?? NaN, t?.gridImgPerCpuSec).padStart(9),
      ].join(' '),
    );
  }
  if (torch)
    for (const m of models)
      console.log(
        `cpu-time pytorch cpu  ${m.padEnd(7)} ${fmt(torch.models[m]?.trainExPerCpuSec).padStart(10)}           | ${fmt(torch.models[m]?.gridImgPerCpuSec).padStart(10)}`,
      );
}
if (leak)
  console.log(
    `\nleak check (node wasm, cnn-s): tensors ${leak.tensorsBefore} before, ${leak.tensorsAfter} after ${leakN} steps and ${leakN} grid points; peak TF.js memory ${(leak.peakBytes / 2 ** 20).toFixed(1)} MiB`,
  );
console.log(
  `peak Node RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; numTensors now ${tf.memory().numTensors}`,
);
if (browserNote) console.log(browserNote);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(
  outFile,
  JSON.stringify({ date: new Date().toISOString(), rows, torch, leak, peakRss }, null, 1),
);
console.log(`written: ${outFile}`);
process.exit(0);
