/**
 * `npm run bench:landscape`: grid points per second of a loss surface (ml/landscape/surface.ts,
 * coarse to fine through the grid evaluator) against the naive way (weights rebuilt in JS per
 * point, tensors made, full forward), both measured in this run on the same points, for cnn-s on
 * the first 1,000 MNIST test images, on each TF.js backend in Node. The naive way is timed on an
 * evenly spread subset of the grid's points and its loss compared with the surface's there.
 * The cpu backend is slow, so it gets a smaller grid by default (--cpu-grid); rates are per point,
 * so they compare across grid sizes. Writes bench-results/landscape.json.
 *
 *   npm run bench:landscape
 *   npm run bench:landscape -- --backends wasm --grid 25 --naive-points 100
 */
import '../../src/ml/engine/tf-setup';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { formatFlags, parseFlags, type FlagTable } from '../../src/cli/args';
import { markdownTable } from '../../src/cli/table';
import { axpySnapshot, directionPair } from '../../src/core/directions';
import { gridAxis } from '../../src/core/surface-grid';
import { selectBackendNode } from '../../src/ml/engine/backend';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { toTensors } from '../../src/ml/data/tensors';
import { firstImages } from '../../src/ml/experiment/run-experiment';
import { computeSurface } from '../../src/ml/landscape/surface';
import { initSnapshot, snapshotToTensors } from '../../src/ml/models/params';
import { buildSpec } from '../../src/ml/models/zoo';
import { evaluate } from '../../src/ml/train/evaluate';
import { intFlag, list } from './flags';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BACKENDS = ['wasm', 'cpu'] as const;

const FLAGS = {
  backends: { type: 'string', value: 'a,b', help: 'TF.js backends (default wasm,cpu)' },
  grid: { type: 'string', value: 'N', help: 'points per axis on wasm (default 25)' },
  'cpu-grid': { type: 'string', value: 'N', help: 'points per axis on cpu (default 7)' },
  images: { type: 'string', value: 'N', help: 'MNIST test images per point (default 1000)' },
  'naive-points': {
    type: 'string',
    value: 'N',
    help: 'points of the naive way, spread over the grid (default 40; cpu 10)',
  },
} as const satisfies FlagTable;

/** One row of the table. */
interface Row {
  backend: string;
  grid: number;
  points: number;
  images: number;
  surfaceSeconds: number;
  pointsPerSec: number;
  naivePoints: number;
  naivePointsPerSec: number;
  speedup: number;
  /** Largest |loss difference| between the surface and the naive way on the naive points. */
  maxLossDiff: number;
  tensorsBefore: number;
  tensorsAfter: number;
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
  const backends = list(values.backends, BACKENDS, 'backends', BACKENDS);
  const gridOf = {
    wasm: intFlag('grid', values.grid, 25, 2),
    cpu: intFlag('cpu-grid', values['cpu-grid'], 7, 2),
  };
  const nImages = intFlag('images', values.images, 1000, 1);
  const naiveFlag = values['naive-points'];
  const spec = buildSpec('cnn-s');
  const centre = initSnapshot(spec, 1);
  const dirs = directionPair(centre, 1, { includeBiases: false });
  const test = firstImages(await loadDatasetNode('mnist', 'test'), nImages);
  const rows: Row[] = [];

  for (const backend of backends) {
    const report = await selectBackendNode(backend);
    if (report.chosen !== backend) {
      log(`${backend}: not available, skipped`);
      continue;
    }
    const data = toTensors(test);
    const grid = gridOf[backend];
    const axis = gridAxis(grid, 1);
    const points = grid * grid;
    // Warm-up: kernels compiled / first allocations out of the timed part.
    await computeSurface(spec, centre, dirs, data, { xs: gridAxis(2, 1), ys: gridAxis(2, 1) });
    const tensorsBefore = tf.memory().numTensors;
    log(`${backend}: surface ${grid} x ${grid} on ${data.x.shape[0]} images…`);
    let t = performance.now();
    const s = await computeSurface(spec, centre, dirs, data, { xs: axis, ys: axis });
    const surfaceSeconds = (performance.now() - t) / 1000;

    const naivePoints = Math.min(
      points,
      intFlag('naive-points', naiveFlag, backend === 'cpu' ? 10 : 40, 1),
    );
    log(`${backend}: naive, ${naivePoints} points…`);
    let maxLossDiff = 0;
    t = performance.now();
    for (let p = 0; p < naivePoints; p++) {
      const k = Math.floor((p * points) / naivePoints);
      const a = axis[k % grid]!;
      const b = axis[Math.floor(k / grid)]!;
      const w = snapshotToTensors(axpySnapshot(axpySnapshot(centre, a, dirs[0]), b, dirs[1]));
      const r = await evaluate(spec, w, data.x, data.y);
      tf.dispose(w);
      maxLossDiff = Math.max(maxLossDiff, Math.abs(r.loss - s.loss[k]!));
    }
    const naiveSeconds = (performance.now() - t) / 1000;
    const tensorsAfter = tf.memory().numTensors;
    tf.dispose([data.x, data.y]);
    const pointsPerSec = points / surfaceSeconds;
    const naivePointsPerSec = naivePoints / naiveSeconds;
    rows.push({
      backend,
      grid,
      points,
      images: data.x.shape[0],
      surfaceSeconds,
      pointsPerSec,
      naivePoints,
      naivePointsPerSec,
      speedup: pointsPerSec / naivePointsPerSec,
      maxLossDiff,
      tensorsBefore,
      tensorsAfter,
    });
  }

  const f = (x: number, d = 1) => x.toFixed(d);
  process.stdout.write(
    `\nSALscape landscape benchmark (${new Date().toISOString()}): cnn-s, ${nImages} MNIST test images per point, Node ${process.version}, ${os.cpus().length} CPU(s)\n\n` +
      markdownTable(
        [
          'backend',
          'grid',
          'surface s',
          'points/s',
          'naive pts',
          'naive points/s',
          'ratio',
          'max abs dL',
        ],
        rows.map((r) => [
          r.backend,
          `${r.grid} x ${r.grid}`,
          f(r.surfaceSeconds),
          f(r.pointsPerSec, 2),
          String(r.naivePoints),
          f(r.naivePointsPerSec, 2),
          `${f(r.speedup, 2)}x`,
          r.maxLossDiff.toExponential(1),
        ]),
        [2, 3, 4, 5, 6, 7],
      ) +
      '\n\nratio = surface points/s over naive points/s (weights rebuilt in JS + tensors + forward per point).\n',
  );
  for (const r of rows) {
    if (r.tensorsAfter !== r.tensorsBefore)
      log(`warning: ${r.backend} tensors ${r.tensorsBefore} -> ${r.tensorsAfter}`);
  }
  const out = path.join(ROOT, 'bench-results', 'landscape.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
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
  process.stdout.write(`written: ${path.relative(ROOT, out)}\n`);
}

await main();
