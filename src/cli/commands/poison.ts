/**
 * `salscape poison`: poisons the seeded training subset `salscape train` would use and writes
 * it as standard MNIST IDX files plus poison.json. Flags are checked before TensorFlow.js loads.
 */
import path from 'node:path';
import { POISON_METHODS } from '../../core/poison-types';
import { TRAIN_DEFAULTS } from '../../core/train-config';
import { formatFlags, parseFlags, parseNumberFlag, UsageError, type FlagTable } from '../args';
import { BACKEND_FLAG, backendFromFlag } from '../backend-flag';
import type { CliIO, Command } from '../command';
import { checkOutDir } from '../out-dir';
import { methodTable, poisonSettingsFromFlags } from '../poison-flags';
import { TRAIN_CONFIG_FLAGS, trainConfigFromFlags } from '../train-flags';

const FLAGS = {
  method: { type: 'string', value: 'M', help: 'poisoning method (required; see the list below)' },
  dataset: TRAIN_CONFIG_FLAGS.dataset,
  eps: {
    type: 'string',
    value: 'E',
    help: 'budget in the method\u2019s norm, e.g. 0.3 or 8/255 (default: the method\u2019s default for the data set)',
  },
  ratio: {
    type: 'string',
    value: 'R',
    help: 'fraction of the images poisoned, 0..1 or 0%..100%',
    default: 1,
  },
  seed: {
    type: 'string',
    value: 'S',
    help: 'seed of the subset (as in salscape train) and of the poison',
    default: TRAIN_DEFAULTS.seed,
  },
  'poison-seed': {
    type: 'string',
    value: 'S',
    help: 'seed of the poison alone (default: --seed)',
  },
  'train-size': TRAIN_CONFIG_FLAGS['train-size'],
  'surrogate-run': {
    type: 'string',
    value: 'DIR',
    help: 'tap / sep: a clean run folder written by salscape train (its model and checkpoints)',
  },
  backend: BACKEND_FLAG,
  out: { type: 'string', value: 'DIR', help: 'output folder (required; created if missing)' },
  json: { type: 'boolean', help: 'print poison.json\u2019s summary as one JSON line on stdout' },
} as const satisfies FlagTable;

function usage(): string {
  return [
    'Usage: salscape poison --method M --out DIR [flags]',
    '',
    'Poisons the seeded class-balanced training subset that "salscape train --dataset D',
    '--train-size N --seed S" trains on (same images, same order): adds the method\u2019s perturbation,',
    'clips to [0, 1] and quantises to bytes; the norms are measured after quantisation.',
    'Progress goes to stderr. Writes:',
    '  DIR/train-images-idx3-ubyte  the poisoned images, standard MNIST IDX (unsigned byte, N x 28 x 28)',
    '  DIR/train-labels-idx1-ubyte  their labels (unchanged), standard MNIST IDX',
    '  DIR/poison.json              method, settings (defaults filled in), measured norms, report,',
    '                               seconds, the subset, and which images were poisoned (ratio < 1)',
    '',
    'Flags:',
    formatFlags(FLAGS),
    '',
    'Methods (norm and default budget on mnist / fashion, images in [0, 1]):',
    methodTable(),
    '',
    'With --json, stdout is one line: poison.json without poisonedIndices, plus "out".',
  ].join('\n');
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags('poison', argv, FLAGS);
  if (values.help) {
    io.stdout(`${usage()}\n`);
    return 0;
  }
  if (values.method === undefined) {
    throw new UsageError('--method M is required (see salscape poison --help for the methods)');
  }
  const config = trainConfigFromFlags({
    dataset: values.dataset,
    seed: values.seed,
    'train-size': values['train-size'],
  });
  const poisonSeed =
    values['poison-seed'] === undefined
      ? { flag: 'seed', value: config.seed }
      : { flag: 'poison-seed', value: parseNumberFlag('poison-seed', values['poison-seed']) };
  const settings = poisonSettingsFromFlags(
    {
      method: { flag: 'method', raw: values.method },
      ...(values.eps !== undefined ? { eps: { flag: 'eps', raw: values.eps } } : {}),
      ...(values.ratio !== undefined ? { ratio: { flag: 'ratio', raw: values.ratio } } : {}),
      seed: poisonSeed,
    },
    config.dataset,
  );
  const backend = backendFromFlag(values.backend);
  if (values.out === undefined || values.out.trim() === '') {
    throw new UsageError('--out DIR is required (the folder to write the poisoned set to)');
  }
  if (values['surrogate-run'] !== undefined && values['surrogate-run'].trim() === '') {
    throw new UsageError('--surrogate-run needs a folder');
  }
  if (POISON_METHODS[settings.method].needsCleanModel && values['surrogate-run'] === undefined) {
    throw new UsageError(
      `--method ${settings.method} attacks a trained clean model: pass --surrogate-run DIR, a run folder written by "salscape train --dataset ${config.dataset}"`,
    );
  }
  const out = path.resolve(values.out);
  await checkOutDir(out, 'poison.json');
  const { poisonRun } = await import('../poison-run');
  const record = await poisonRun({
    dataset: config.dataset,
    trainSize: config.trainSize,
    seed: config.seed,
    settings,
    ...(values['surrogate-run'] !== undefined ? { surrogateRun: values['surrogate-run'] } : {}),
    backend,
    out,
    io,
  });
  if (values.json) {
    const { poisonedIndices: _drop, ...summary } = record;
    io.stdout(`${JSON.stringify({ ...summary, out })}\n`);
  } else {
    io.stdout(
      `${record.method}: poisoned ${record.poisonedCount}/${record.subset.size} ${record.subset.dataset} images ` +
        `(L-inf ${record.norms.linfMax.toFixed(4)}, L2 mean ${record.norms.l2Mean.toFixed(3)}) in ` +
        `${record.seconds.toFixed(1)} s; wrote ${out}\n`,
    );
  }
  return 0;
}

/** The `poison` entry of the command table. */
export const poisonCommand: Command = {
  summary: 'poison a seeded training subset; write it as MNIST IDX files and poison.json',
  usage,
  run,
};
