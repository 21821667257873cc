/**
 * `npm run bench:engine`: training and grid-point evaluation throughput for cnn-s and lenet5 on
 * every TF.js backend in Node and in headless Chromium, and in PyTorch CPU when the system
 * python3 has torch (Debian: python3-torch), measured in one run. Prints a table with ratios
 * against PyTorch and against the TF.js cpu backend; writes bench-results/engine.json.
 */
import '../../src/ml/engine/tf-setup';
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackendNode } from '../../src/ml/engine/backend';
import { benchEngine, type EngineFigures } from '../../src/ml/engine/bench-core';
import { launch, ROOT, startPreview } from '../../tests/browser/harness';

type Row = EngineFigures & { env: string; detail?: string };
const rows: Row[] = [];
const models = ['cnn-s', 'lenet5'] as const;
const log = (s: string) => process.stderr.write(s + '\n');
let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

// Node
for (const backend of ['cpu', 'wasm'] as const) {
  await selectBackendNode(backend);
  for (const m of models) {
    log(`node ${backend} ${m}…`);
    const fast = backend === 'wasm';
    rows.push({
      env: 'node',
      ...(await benchEngine(m, fast ? 60 : 6, fast ? 100 : 6, fast ? 3 : 1)),
    });
  }
}
log('node wasm leak check: 1,000 training steps and 1,000 grid points…');
await selectBackendNode('wasm');
const leak = await benchEngine('cnn-s', 1000, 1000, 1);

// Chromium
let browserNote = '';
try {
  log('chromium: building and serving bench.html…');
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' });
  const { url, proc } = await startPreview();
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`${url}bench.html`);
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
let torch: {
  torch: string;
  threads: number;
  models: Record<string, { trainExPerSec: number; gridImgPerSec: number }>;
} | null = null;
try {
  log('pytorch cpu…');
  const out = execFileSync(
    '/usr/bin/python3',
    [join(ROOT, 'scripts/bench/torch_engine.py'), '100', '100'],
    { encoding: 'utf8' },
  );
  torch = JSON.parse(out.trim().split('\n').at(-1)!);
} catch (e) {
  log(
    `PyTorch not measured (${(e as Error).message.split('\n')[0]}); install Debian's python3-torch`,
  );
}
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
      `pytorch  cpu     ${m.padEnd(7)} ${fmt(torch.models[m]?.trainExPerSec).padStart(10)}${' '.repeat(24)} | ${fmt(torch.models[m]?.gridImgPerSec).padStart(10)}   (torch ${torch.torch}, ${torch.threads} thread(s))`,
    );
console.log(
  `\nleak check (node wasm, cnn-s): tensors ${leak.tensorsBefore} before, ${leak.tensorsAfter} after 1,000 steps and 1,000 grid points; peak TF.js memory ${(leak.peakBytes / 2 ** 20).toFixed(1)} MiB`,
);
console.log(
  `peak Node RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; numTensors now ${tf.memory().numTensors}`,
);
if (browserNote) console.log(browserNote);
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
writeFileSync(
  join(ROOT, 'bench-results', 'engine.json'),
  JSON.stringify({ date: new Date().toISOString(), rows, torch, leak, peakRss }, null, 1),
);
console.log('written: bench-results/engine.json');
process.exit(0);
