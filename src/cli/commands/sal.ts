/**
 * `salscape sal`: SAL of every weight layer of a saved model on IDX data. Flags are checked
 * before TensorFlow.js loads.
 */
import { APP_SAL_DEFAULTS, SAL_L0_DEPARTURE } from '../../core/sal-types';
import { formatFlags, parseFlags, UsageError, type FlagTable } from '../args';
import { BACKEND_FLAG, backendFromFlag } from '../backend-flag';
import type { CliIO, Command } from '../command';
import {
  describeSal,
  SAL_COMMAND_FLAG_OF,
  salBase,
  salSettingsFromFlags,
  type SalField,
} from '../sal-flags';

const FLAGS = {
  model: {
    type: 'string',
    value: 'DIR',
    help: 'folder with model.json (or a run folder of salscape train: its model/) (required)',
  },
  images: {
    type: 'string',
    value: 'FILE',
    help: 'IDX images, e.g. train-images-idx3-ubyte (required)',
  },
  labels: {
    type: 'string',
    value: 'FILE',
    help: 'IDX labels, e.g. train-labels-idx1-ubyte (required)',
  },
  limit: {
    type: 'string',
    value: 'N',
    help: 'use the first N images in stored order',
    default: `${APP_SAL_DEFAULTS.subsetSize}; all with --paper`,
  },
  eps: { type: 'string', value: 'E', help: 'relative radius', default: APP_SAL_DEFAULTS.eps },
  lr: {
    type: 'string',
    value: 'LR',
    help: 'SGD step size of the copies',
    default: APP_SAL_DEFAULTS.lr,
  },
  rounds: {
    type: 'string',
    value: 'K',
    help: 'rounds (full passes) per copy',
    default: `${APP_SAL_DEFAULTS.rounds}; 10 with --paper`,
  },
  batch: {
    type: 'string',
    value: 'B',
    help: 'mini-batch size',
    default: `${APP_SAL_DEFAULTS.batchSize}; 256 with --paper`,
  },
  paper: {
    type: 'boolean',
    help: 'start from the paper\u2019s settings (eps 0.05, lr 0.1, 10 rounds, batch 256, all images)',
  },
  backend: BACKEND_FLAG,
  json: { type: 'boolean', help: 'print the result as one JSON line on stdout, nothing else' },
} as const satisfies FlagTable;

function usage(): string {
  return [
    'Usage: salscape sal --model DIR --images FILE --labels FILE [flags]',
    '',
    'Sharpness-Aware Learnability (docs/science.md section 2) of every conv and dense kernel of a saved',
    'zoo model on the first N images of an IDX pair (e.g. the model\u2019s own training set, as written',
    'by salscape poison): per layer, a descent and an ascent copy of that kernel alone take K full',
    'passes of plain SGD over the images (stored order, no shuffling), projected after each pass to',
    'relative radius eps of the kernel\u2019s Frobenius norm; S_up / S_down are the largest rise / fall',
    'of the mean loss from L0; SAL is the larger of the two. Defaults: the app\u2019s per-epoch settings.',
    `Note: ${SAL_L0_DEPARTURE}`,
    '',
    'Flags:',
    formatFlags(FLAGS),
    '',
    'With --json, stdout is one line: {"l0", "layers": [{"name","sal","up","down"}], "settings",',
    '"model", "modelDir", "seconds", "backend"}; settings.subsetSize is the number of images used.',
  ].join('\n');
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags('sal', argv, FLAGS);
  if (values.help) {
    io.stdout(`${usage()}\n`);
    return 0;
  }
  for (const f of ['model', 'images', 'labels'] as const) {
    const v = values[f];
    if (v === undefined || v.trim() === '') {
      throw new UsageError(`--${f} is required (see salscape sal --help)`);
    }
  }
  const raw: Partial<Record<SalField, string>> = {};
  for (const [field, flag] of Object.entries(SAL_COMMAND_FLAG_OF) as [SalField, string][]) {
    const v = values[flag as keyof typeof values];
    if (typeof v === 'string') raw[field] = v;
  }
  const settings = salSettingsFromFlags(salBase(values.paper ?? false), raw, SAL_COMMAND_FLAG_OF);
  const backend = backendFromFlag(values.backend);
  const { salRun } = await import('../sal-run');
  const r = await salRun({
    modelDir: values.model!,
    images: values.images!,
    labels: values.labels!,
    settings,
    backend,
    io,
  });
  if (values.json) {
    io.stdout(`${JSON.stringify(r)}\n`);
    return 0;
  }
  const w = Math.max(5, ...r.layers.map((l) => l.name.length));
  const num = (x: number) => x.toFixed(5).padStart(9);
  io.stdout(
    [
      `SAL of ${r.model} (${r.modelDir}); ${describeSal(r.settings)}; L0 ${r.l0.toFixed(5)}; ${r.seconds.toFixed(1)} s on ${r.backend}`,
      `${'layer'.padEnd(w)}  ${'SAL'.padStart(9)}  ${'S_up'.padStart(9)}  ${'S_down'.padStart(9)}`,
      ...r.layers.map((l) => `${l.name.padEnd(w)}  ${num(l.sal)}  ${num(l.up)}  ${num(l.down)}`),
    ].join('\n') + '\n',
  );
  return 0;
}

/** The `sal` entry of the command table. */
export const salCommand: Command = {
  summary: 'SAL of every weight layer of a saved model on IDX data',
  usage,
  run,
};
