/**
 * `salscape landscape`: the filter-normalised loss surface of a saved model on IDX data, as
 * JSON (docs/science.md section 4). Flags are checked before TensorFlow.js loads.
 */
import { GRID_MAX, GRID_MIN, LANDSCAPE_DEFAULTS } from '../../core/landscape-types';
import { formatFlags, parseFlags, parseNumberFlag, UsageError, type FlagTable } from '../args';
import { BACKEND_FLAG, backendFromFlag } from '../backend-flag';
import type { CliIO, Command } from '../command';

const FLAGS = {
  model: {
    type: 'string',
    value: 'DIR',
    help: 'folder with model.json (or a run folder of salscape train: its model/) (required)',
  },
  images: {
    type: 'string',
    value: 'FILE',
    help: 'IDX images, e.g. t10k-images-idx3-ubyte (required)',
  },
  labels: {
    type: 'string',
    value: 'FILE',
    help: 'IDX labels, e.g. t10k-labels-idx1-ubyte (required)',
  },
  limit: {
    type: 'string',
    value: 'N',
    help: 'use the first N images in stored order',
    default: LANDSCAPE_DEFAULTS.limit,
  },
  grid: {
    type: 'string',
    value: 'N',
    help: `points per axis (${GRID_MIN} to ${GRID_MAX}); the surface has N x N points`,
    default: LANDSCAPE_DEFAULTS.grid,
  },
  range: {
    type: 'string',
    value: 'R',
    help: 'the grid spans [-R, R]^2 in direction units (0 < R <= 10)',
    default: LANDSCAPE_DEFAULTS.range,
  },
  seed: {
    type: 'string',
    value: 'S',
    help: 'seed of the two random directions (0 to 4294967295)',
    default: LANDSCAPE_DEFAULTS.seed,
  },
  'include-biases': {
    type: 'boolean',
    help: 'move biases too (along the biases themselves, as the reference does); default: biases fixed',
  },
  'export-directions': {
    type: 'string',
    value: 'FILE',
    help: 'also write the two directions as JSON: {"layer/kernel": [d1, d2], ...}, nested arrays in the kernel\u2019s shape',
  },
  out: {
    type: 'string',
    value: 'FILE',
    help: 'where to write {"xs","ys","loss","acc"} (required)',
  },
  backend: BACKEND_FLAG,
  json: { type: 'boolean', help: 'print a summary as one JSON line on stdout, nothing else' },
} as const satisfies FlagTable;

function usage(): string {
  return [
    'Usage: salscape landscape --model DIR --images FILE --labels FILE --out FILE [flags]',
    '',
    'Loss surface L(a, b) = L(theta + a d1 + b d2) of a saved zoo model (docs/science.md section 4) on',
    'the first N images of an IDX pair, in inference mode: d1 and d2 are Gaussian directions from',
    'the seed, each filter (the last axis of a TF.js kernel) rescaled to the norm of the matching',
    'weight filter; biases stay fixed unless --include-biases. The same seed gives the same draw',
    'for every model of one architecture, so a clean and a poisoned model can be compared.',
    '',
    'Flags:',
    formatFlags(FLAGS),
    '',
    'The --out file holds {"xs": [...], "ys": [...], "loss": [...], "acc": [...]}: loss (mean',
    'cross-entropy) and accuracy row-major, ys by xs: the value at (xs[i], ys[j]) is at j * N + i.',
    'With --json, stdout is one line: {"out", "directions", "model", "modelDir", "images", "grid",',
    '"range", "seed", "includeBiases", "centreLoss", "centreAcc", "minLoss", "maxLoss", "seconds",',
    '"pointsPerSec", "backend"}.',
  ].join('\n');
}

/** An integer flag within [lo, hi], or a UsageError naming the flag. */
function intIn(flag: string, raw: string | undefined, fallback: number, lo: number, hi: number) {
  if (raw === undefined) return fallback;
  const v = parseNumberFlag(flag, raw);
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new UsageError(`--${flag} must be an integer from ${lo} to ${hi} (got ${v})`);
  }
  return v;
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags('landscape', argv, FLAGS);
  if (values.help) {
    io.stdout(`${usage()}\n`);
    return 0;
  }
  for (const f of ['model', 'images', 'labels', 'out'] as const) {
    const v = values[f];
    if (v === undefined || v.trim() === '') {
      throw new UsageError(`--${f} is required (see salscape landscape --help)`);
    }
  }
  const grid = intIn('grid', values.grid, LANDSCAPE_DEFAULTS.grid, GRID_MIN, GRID_MAX);
  const limit = intIn('limit', values.limit, LANDSCAPE_DEFAULTS.limit, 1, 1_000_000);
  const seed = intIn('seed', values.seed, LANDSCAPE_DEFAULTS.seed, 0, 0xffffffff);
  let range = LANDSCAPE_DEFAULTS.range;
  if (values.range !== undefined) {
    range = parseNumberFlag('range', values.range);
    if (!(range > 0 && range <= 10)) {
      throw new UsageError(`--range must be a number > 0 and <= 10 (got ${range})`);
    }
  }
  const backend = backendFromFlag(values.backend);
  const dirsOut = values['export-directions'];
  if (dirsOut !== undefined && dirsOut.trim() === '') {
    throw new UsageError('--export-directions needs a file name');
  }
  const { landscapeRun } = await import('../landscape-run');
  const r = await landscapeRun({
    modelDir: values.model!,
    images: values.images!,
    labels: values.labels!,
    limit,
    grid,
    range,
    seed,
    includeBiases: values['include-biases'] ?? false,
    out: values.out!,
    directionsOut: dirsOut,
    backend,
    io,
  });
  if (values.json) {
    io.stdout(`${JSON.stringify(r)}\n`);
    return 0;
  }
  const f = (x: number) => x.toFixed(4);
  io.stdout(
    [
      `loss surface of ${r.model} (${r.modelDir}) on ${r.images} images: ${r.grid} x ${r.grid} points over [-${r.range}, ${r.range}]^2, seed ${r.seed}${r.includeBiases ? ', biases moved' : ''}`,
      `L(0, 0) ${f(r.centreLoss)} (accuracy ${f(r.centreAcc)}); loss from ${f(r.minLoss)} to ${f(r.maxLoss)}; ${r.seconds.toFixed(1)} s on ${r.backend} (${r.pointsPerSec.toFixed(1)} points/s)`,
      `written: ${r.out}${r.directions ? `, ${r.directions}` : ''}`,
    ].join('\n') + '\n',
  );
  return 0;
}

/** The `landscape` entry of the command table. */
export const landscapeCommand: Command = {
  summary: 'filter-normalised loss surface of a saved model on IDX data, as JSON',
  usage,
  run,
};
