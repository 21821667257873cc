/**
 * `salscape train`: trains one zoo model and writes run.json, model/ and checkpoints/ to --out.
 * Flags are checked here, before TensorFlow.js loads, so a bad command line fails fast.
 */
import path from 'node:path';
import { formatFlags, parseFlags, UsageError, type FlagTable } from '../args';
import type { CliIO, Command } from '../command';
import { checkOutDir } from '../out-dir';
import { TRAIN_CONFIG_FLAGS, trainConfigFromFlags } from '../train-flags';

const BACKENDS = ['wasm', 'cpu'] as const;

const FLAGS = {
  ...TRAIN_CONFIG_FLAGS,
  backend: { type: 'string', value: BACKENDS.join('|'), help: 'TF.js backend', default: 'wasm' },
  out: { type: 'string', value: 'DIR', help: 'output folder (required; created if missing)' },
  json: {
    type: 'boolean',
    help: 'print the final summary as one JSON line on stdout, nothing else',
  },
} as const satisfies FlagTable;

function usage(): string {
  return [
    'Usage: salscape train --out DIR [flags]',
    '',
    'Trains a model of the zoo with seeded SGD on a class-balanced subset of a prepared data set',
    '(npm run prepare:data). Progress goes to stderr, one line per epoch. Writes:',
    '  DIR/run.json                   {version, config, backend, metrics per epoch, seconds, createdAt}',
    '  DIR/model/                     the final model, a standard TF.js layers model (model.json)',
    '  DIR/checkpoints/index.json     names, shapes and byte format of the checkpoints',
    '  DIR/checkpoints/epoch-NNN.bin  weights after epoch NNN (000 = initial), float32 little-endian',
    '',
    'Flags:',
    formatFlags(FLAGS),
    '',
    'With --json, stdout is one line: {"testAcc","testLoss","trainAcc","trainLoss","epochs","seconds",',
    '"examplesPerSec","backend","out"}.',
  ].join('\n');
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags('train', argv, FLAGS);
  if (values.help) {
    io.stdout(`${usage()}\n`);
    return 0;
  }
  const config = trainConfigFromFlags(values);
  const backend = values.backend ?? 'wasm';
  if (!(BACKENDS as readonly string[]).includes(backend)) {
    throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')} (got "${backend}")`);
  }
  if (values.out === undefined || values.out.trim() === '') {
    throw new UsageError('--out DIR is required (the folder to write the run to)');
  }
  const out = path.resolve(values.out);
  await checkOutDir(out);
  const { trainRun } = await import('../train-run');
  const summary = await trainRun({
    config,
    backend: backend as (typeof BACKENDS)[number],
    out,
    io,
  });
  if (values.json) io.stdout(`${JSON.stringify(summary)}\n`);
  else {
    io.stdout(
      `test acc ${summary.testAcc.toFixed(4)}, test loss ${summary.testLoss.toFixed(4)} after ` +
        `${summary.epochs} epoch${summary.epochs === 1 ? '' : 's'} (${summary.seconds.toFixed(1)} s, ` +
        `${Math.round(summary.examplesPerSec)} examples/s, ${summary.backend}); wrote ${summary.out}\n`,
    );
  }
  return 0;
}

/** The `train` entry of the command table. */
export const trainCommand: Command = {
  summary: 'train a zoo model; save metrics, per-epoch checkpoints and the model',
  usage,
  run,
};
