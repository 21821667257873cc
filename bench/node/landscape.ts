/**
 * `npm run bench:landscape`: grid points per second of a loss surface (ml/landscape/surface.ts,
 * coarse to fine through the grid evaluator) against the naive way (weights rebuilt in JS per
 * point, tensors made, full forward), both measured in this run on the same points, for cnn-s on
 * the first 1,000 MNIST test images, on each TF.js backend in Node and in headless Chromium (the
 * bench page, bench/browser/bench.html?mode=landscape, one worker per backend). The naive way
 * is timed on an evenly spread subset of the grid's points and its loss compared with the
 * surface's there.
 * Slow backends (cpu, webgl, webgpu) get smaller grids by default; rates are per point, so they
 * compare across grid sizes. Writes bench-results/landscape.json.
 *
 *   npm run bench:landscape
 *   npm run bench:landscape -- --node none --browser wasm
 *   npm run bench:landscape -- --node wasm --browser none --grid 25 --naive-points 100
 */
import '../../src/ml/engine/tf-setup';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { formatFlags, parseFlags, UsageError, type FlagTable } from '../../src/cli/args';
import { markdownTable } from '../../src/cli/table';
import { measureLandscape, type LandscapeFigures } from '../measure/landscape-measure';
import { ROW_PREFIX, type Done } from '../browser/landscape-page';
import { selectBackendNode } from '../../src/ml/engine/backend';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { firstImages } from '../../src/ml/experiment/run-experiment';
import { launch, ROOT, startPreview } from '../../tests/browser/harness';
import { intFlag, list } from './flags';

const NODE_BACKENDS = ['wasm', 'cpu'] as const;
const BROWSER_BACKENDS = ['wasm', 'webgl', 'cpu', 'webgpu'] as const;
type Backend = (typeof BROWSER_BACKENDS)[number];

const FLAGS = {
  node: { type: 'string', value: 'a,b|none', help: 'Node backends (default wasm,cpu)' },
  browser: {
    type: 'string',
    value: 'a,b|none',
    help: 'Chromium backends (default wasm,webgl,cpu,webgpu)',
  },
  backends: { type: 'string', value: 'a,b', help: 'older name of --node' },
  grid: { type: 'string', value: 'N', help: 'points per axis on wasm (default 25)' },
  'cpu-grid': { type: 'string', value: 'N', help: 'points per axis on cpu (default 7)' },
  'gpu-grid': {
    type: 'string',
    value: 'N',
    help: 'points per axis on webgl and webgpu (default webgl 7, webgpu 3)',
  },
  'browser-minutes': {
    type: 'string',
    value: 'M',
    help: 'stop the Chromium part after M minutes, keeping the rows done (default 30)',
  },
  images: { type: 'string', value: 'N', help: 'MNIST test images per point (default 1000)' },
  'naive-points': {
    type: 'string',
    value: 'N',
    help: 'points of the naive way, spread over the grid (default wasm 40, cpu/webgl 10, webgpu 2)',
  },
  out: {
    type: 'string',
    value: 'FILE',
    help: 'results file (default bench-results/landscape.json)',
  },
} as const satisfies FlagTable;

/** One row of the table. */
interface Row extends LandscapeFigures {
  env: 'node' | 'chromium';
  backend: string;
  /** The device (GPU adapter or renderer, WASM build); "software GPU" when it is one. */
  detail?: string;
  software?: boolean;
}

const log = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<void> {
  const { values } = parseFlags('bench:landscape', process.argv.slice(2), FLAGS);
  if (values.help) {
    process.stdout.write(
      `Usage: npm run bench:landscape -- [flags]\n\nFlags:\n${formatFlags(FLAGS)}\n`,
    );
    return;
  }
  const backendList = <T extends string>(
    raw: string | undefined,
    all: readonly T[],
    flag: string,
  ) => (raw?.trim() === 'none' ? [] : list(raw, all, flag, all));
  const nodeBackends = backendList(values.node ?? values.backends, NODE_BACKENDS, 'node');
  const browserBackends = backendList(values.browser, BROWSER_BACKENDS, 'browser');
  const gpuGrid = values['gpu-grid'];
  const gridOf: Record<Backend, number> = {
    wasm: intFlag('grid', values.grid, 25, 2),
    cpu: intFlag('cpu-grid', values['cpu-grid'], 7, 2),
    webgl: intFlag('gpu-grid', gpuGrid, 7, 2),
    webgpu: intFlag('gpu-grid', gpuGrid, 3, 2),
  };
  const naiveFlag = values['naive-points'];
  const naiveOf = (b: Backend) =>
    intFlag('naive-points', naiveFlag, { wasm: 40, cpu: 10, webgl: 10, webgpu: 2 }[b], 1);
  const nImages = intFlag('images', values.images, 1000, 1);
  const browserMinutes = intFlag('browser-minutes', values['browser-minutes'], 30, 1);
  const outFile = values.out ?? path.join(ROOT, 'bench-results', 'landscape.json');
  const rows: Row[] = [];

  // Node
  if (nodeBackends.length > 0) {
    const test = firstImages(await loadDatasetNode('mnist', 'test'), nImages);
    for (const backend of nodeBackends) {
      const report = await selectBackendNode(backend);
      if (report.chosen !== backend) {
        log(`node ${backend}: not available, skipped`);
        continue;
      }
      const simd = backend === 'wasm' && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      const figures = await measureLandscape(test, gridOf[backend], naiveOf(backend), (s) =>
        log(`node ${backend}: ${s}`),
      );
      rows.push({
        env: 'node',
        backend,
        ...figures,
        ...(backend === 'wasm' ? { detail: `SIMD ${simd ? 'on' : 'off'}, 1 thread` } : {}),
      });
    }
  }

  // Chromium
  let browserNote = '';
  if (browserBackends.length > 0)
    try {
      log('chromium: building and serving bench.html…');
      execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], {
        cwd: ROOT,
        stdio: 'inherit',
      });
      const { url, proc } = await startPreview();
      const browser = await launch();
      try {
        const page = await browser.newPage();
        const res: Done[] = [];
        page.on('console', (m) => {
          const t = m.text();
          if (t.startsWith(ROW_PREFIX)) res.push(JSON.parse(t.slice(ROW_PREFIX.length)) as Done);
          else log(`chromium ${t}`);
        });
        const q = new URLSearchParams({
          mode: 'landscape',
          backends: browserBackends.join(','),
          grids: browserBackends.map((b) => gridOf[b]).join(','),
          naive: browserBackends.map(naiveOf).join(','),
          images: String(nImages),
        });
        await page.goto(`${url}bench/browser/bench.html?${q}`);
        try {
          await page.waitForFunction(() => window.benchDone === true, null, {
            timeout: browserMinutes * 60_000,
            polling: 1000,
          });
        } catch {
          const unfinished = browserBackends.filter(
            (b) => !res.some((r) => r.request.backend === b),
          );
          browserNote = `chromium stopped after ${browserMinutes} min (--browser-minutes); not measured: ${unfinished.join(', ')}`;
          log(browserNote);
        }
        for (const r of res) {
          if (!r.figures) {
            log(`chromium ${r.request.backend}: ${r.error ?? 'no result'}, skipped`);
            continue;
          }
          const detail = r.software ? `software GPU: ${r.detail}` : r.detail;
          rows.push({
            env: 'chromium',
            backend: r.request.backend,
            ...r.figures,
            ...(detail ? { detail } : {}),
            ...(r.software !== undefined ? { software: r.software } : {}),
          });
        }
      } finally {
        await browser.close();
        proc.kill();
      }
    } catch (e) {
      browserNote = `browser part skipped: ${(e as Error).message}`;
      log(browserNote);
    }

  const f = (x: number, d = 1) => x.toFixed(d);
  const fullGrid = gridOf.wasm;
  process.stdout.write(
    `\nSALscape landscape benchmark (${new Date().toISOString()}): cnn-s, ${nImages} MNIST test images per point, Node ${process.version}, ${os.cpus().length} CPU(s)\n\n` +
      markdownTable(
        [
          'env',
          'backend',
          'grid',
          'surface s',
          'points/s',
          'naive pts',
          'naive points/s',
          'ratio',
          'max abs dL',
          'detail',
        ],
        rows.map((r) => [
          r.env,
          r.backend,
          `${r.grid} x ${r.grid}${r.grid < fullGrid ? ' (smaller)' : ''}`,
          f(r.surfaceSeconds),
          f(r.pointsPerSec, 2),
          String(r.naivePoints),
          f(r.naivePointsPerSec, 2),
          `${f(r.speedup, 2)}x`,
          r.maxLossDiff.toExponential(1),
          r.detail ?? '',
        ]),
        [3, 4, 5, 6, 7, 8],
      ) +
      '\n\nratio = surface points/s over naive points/s (weights rebuilt in JS + tensors + forward per point).' +
      '\nSmaller grids (slow backends) still report points per second, so rates compare across rows.\n',
  );
  for (const r of rows) {
    if (r.tensorsAfter !== r.tensorsBefore)
      log(`warning: ${r.env} ${r.backend} tensors ${r.tensorsBefore} -> ${r.tensorsAfter}`);
  }
  if (browserNote) process.stdout.write(`${browserNote}\n`);
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(
    outFile,
    JSON.stringify(
      {
        bench: 'landscape',
        date: new Date().toISOString(),
        model: 'cnn-s',
        images: nImages,
        machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}`,
        rows,
      },
      null,
      1,
    ),
  );
  process.stdout.write(`written: ${path.relative(ROOT, outFile)}\n`);
}

try {
  await main();
} catch (e) {
  log(`bench:landscape: ${(e as Error).message}`);
  process.exit(e instanceof UsageError ? 2 : 1);
}
// Playwright and TF.js may hold handles open.
process.exit(0);
