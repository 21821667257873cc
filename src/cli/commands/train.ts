/**
 * `salscape train`: trains one zoo model and writes run.json, model/ and checkpoints/ to --out.
 * Flags are checked here, before TensorFlow.js loads, so a bad command line fails fast.
 */
import path from 'node:path';
import { BREAKDOWN_RULE, DID_NOT_TRAIN_LABEL } from '../../core/breakdown';
import { APP_SAL_DEFAULTS, type SalSettings } from '../../core/sal-types';
import type { PoisonSettings } from '../../core/poison-types';
import { formatFlags, parseFlags, parseNumberFlag, UsageError, type FlagTable } from '../args';
import { BACKEND_FLAG, backendFromFlag } from '../backend-flag';
import type { CliIO, Command } from '../command';
import { DEFENCE_FLAGS, defenceFromFlags, defenceTable } from '../defence-flags';
import { checkOutDir } from '../out-dir';
import { methodTable, poisonSettingsFromFlags } from '../poison-flags';
import {
  SAL_TRAIN_FLAGS,
  salSettingsFromFlags,
  TRAIN_SAL_FLAG_OF,
  trainSalRaw,
  type SalField,
} from '../sal-flags';
import { TRAIN_CONFIG_FLAGS, trainConfigFromFlags } from '../train-flags';
import { HEAD_TASK_INFO, isTaskId, TASKS } from '../../core/tasks';

const POISON_FLAGS = {
  poison: {
    type: 'string',
    value: 'M',
    help: 'train on the subset poisoned by method M (see salscape poison --help)',
  },
  eps: {
    type: 'string',
    value: 'E',
    help: 'poison budget, e.g. 0.3 or 8/255 (default: the method\u2019s default for the data set)',
  },
  ratio: {
    type: 'string',
    value: 'R',
    help: 'fraction of the training images poisoned, 0..1 or 0%..100%',
    default: 1,
  },
  'poison-seed': { type: 'string', value: 'S', help: 'seed of the poison (default: --seed)' },
  'surrogate-run': {
    type: 'string',
    value: 'DIR',
    help: 'tap / sep: the clean run to attack (default: train it first, in-process)',
  },
} as const satisfies FlagTable;

const FLAGS = {
  ...TRAIN_CONFIG_FLAGS,
  task: {
    type: 'string',
    value: TASKS.join('|'),
    help: 'what the model learns from the (possibly poisoned) images; targets from the clean images',
    default: 'digits',
  },
  ...POISON_FLAGS,
  ...DEFENCE_FLAGS,
  ...SAL_TRAIN_FLAGS,
  backend: BACKEND_FLAG,
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
    '  DIR/run.json                   {version, config, backend, metrics per epoch, seconds, createdAt,',
    '                                  poison (with --poison), sal and salSeconds (with --sal)}',
    '  DIR/model/                     the final model, a standard TF.js layers model (model.json)',
    '  DIR/checkpoints/index.json     names, shapes and byte format of the checkpoints',
    '  DIR/checkpoints/epoch-NNN.bin  weights after epoch NNN (000 = initial), float32 little-endian',
    '',
    'Flags:',
    formatFlags(FLAGS),
    '',
    'Poisoning (--poison M): the training subset is poisoned as "salscape poison --method M" would',
    'with the same --dataset, --train-size, --seed (--poison-seed sets the poison\u2019s own seed), then',
    'trained on. run.json gets "poison": {method, settings, norms (measured after quantisation),',
    'report, seconds, poisonedCount}. tap and sep attack a trained clean model: --surrogate-run DIR,',
    'or else the clean run of the same config is trained first (said on stderr). Methods:',
    methodTable(),
    '',
    'Defence (--defence ID, after the poison; the parameter flags above set its values): data',
    'defences rewrite the training set before training, loop defences change every SGD step',
    '(seeded by --seed). run.json gets "defence": {settings, label, note, seconds}. Defences:',
    defenceTable(),
    '',
    'SAL (--sal): after every epoch, the SAL of every conv and dense kernel on the first --sal-size',
    'images of the run\u2019s own training set (the poisoned one when poisoned), L0 in inference mode.',
    'run.json gets "sal": {settings, layers, values[epoch][layer], up, down, l0[epoch]}.',
    '"salscape ud CLEAN POISONED" compares two such runs.',
    '',
    'Tasks (--task, default digits): rotation predicts the turn (0/90/180/270 degrees) of each image,',
    'segmentation the foreground mask of the clean digit (one sigmoid logit per pixel), multi all three',
    'with one shared convolutional trunk and summed losses (the model\u2019s layers up to the flatten are',
    'the trunk; each head is the layers after it). Inputs are the training images (poisoned with',
    '--poison), targets always come from the clean images, tests are clean. Without --lr a task uses its',
    'default rate (multi at most 0.02; vgg-s tasks other than digits at most 0.01). A task other than digits',
    'writes DIR/task-run.json {config, task, lr, heads, trunkLayers, metrics per epoch, sal per head, poison};',
    '--sal measures SAL of the trunk layers with each head\u2019s own loss. --json prints {"task", the clean',
    `test metric of each head (${Object.values(HEAD_TASK_INFO)
      .map((i) => i.jsonKey)
      .join(', ')}), "lr", "trainLoss", "epochs", "seconds", "backend", "out"}`,
    'and "poison" / "sal" {layers, last: {head: values}} when asked for; with an explicit --task digits',
    'the usual summary gains "digitsTestAcc".',
    '',
    'With --json, stdout is one line: {"testAcc","testLoss","trainAcc","trainLoss","epochs","seconds",',
    '"examplesPerSec","backend","out","didNotTrain"}, plus "didNotTrainReason" when the run did not',
    'train, "poison" {method, eps, ratio, seed, linfMax, l2Mean}, "sal" {layers, last: the last epoch\u2019s',
    'values} and "defence" (its label) when asked for.',
    '',
    `A run did not train when ${BREAKDOWN_RULE}. Such a run learnt nothing: its chance-level test`,
    'accuracy is a breakdown, not a poison at work.',
    'It is said on stderr, recorded in run.json ("didNotTrain", "didNotTrainReason"), and salscape ud',
    'gives it no UD. Try a lower learning rate or another seed.',
  ].join('\n');
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags('train', argv, FLAGS);
  if (values.help) {
    io.stdout(`${usage()}\n`);
    return 0;
  }
  const config = trainConfigFromFlags(values);
  const task = values.task ?? 'digits';
  if (!isTaskId(task))
    throw new UsageError(`--task must be one of ${TASKS.join(', ')} (got "${task}")`);
  if (task !== 'digits' && values.defence !== undefined)
    throw new UsageError(`--defence works with --task digits only (got --task ${task})`);
  let poison: PoisonSettings | null = null;
  if (values.poison !== undefined) {
    poison = poisonSettingsFromFlags(
      {
        method: { flag: 'poison', raw: values.poison },
        ...(values.eps !== undefined ? { eps: { flag: 'eps', raw: values.eps } } : {}),
        ...(values.ratio !== undefined ? { ratio: { flag: 'ratio', raw: values.ratio } } : {}),
        seed:
          values['poison-seed'] === undefined
            ? { flag: 'seed', value: config.seed }
            : {
                flag: 'poison-seed',
                value: parseNumberFlag('poison-seed', values['poison-seed']),
              },
      },
      config.dataset,
    );
  } else {
    for (const f of ['eps', 'ratio', 'poison-seed', 'surrogate-run'] as const) {
      if (values[f] !== undefined)
        throw new UsageError(`--${f} is a poison setting: add --poison M`);
    }
  }
  if (values['surrogate-run'] !== undefined && values['surrogate-run'].trim() === '') {
    throw new UsageError('--surrogate-run needs a folder');
  }
  const defence = defenceFromFlags(values);
  const salRaw = trainSalRaw(values);
  let sal: SalSettings | null = null;
  if (values.sal) {
    sal = salSettingsFromFlags(APP_SAL_DEFAULTS, salRaw, TRAIN_SAL_FLAG_OF);
  } else {
    const given = Object.keys(salRaw)[0] as SalField | undefined;
    if (given) throw new UsageError(`--${TRAIN_SAL_FLAG_OF[given]} is a SAL setting: add --sal`);
  }
  const backend = backendFromFlag(values.backend);
  if (values.out === undefined || values.out.trim() === '') {
    throw new UsageError('--out DIR is required (the folder to write the run to)');
  }
  const out = path.resolve(values.out);
  await checkOutDir(out, task === 'digits' ? 'run.json' : 'task-run.json');
  if (task !== 'digits') {
    const { trainTaskRun } = await import('../task-train-run');
    const s = await trainTaskRun({
      task,
      config,
      ...(values.lr !== undefined ? { lr: config.lr } : {}),
      poison,
      sal,
      ...(values['surrogate-run'] !== undefined ? { surrogateRun: values['surrogate-run'] } : {}),
      backend,
      out,
      io,
    });
    if (values.json) io.stdout(`${JSON.stringify(s)}\n`);
    else {
      const figures = Object.values(HEAD_TASK_INFO)
        .filter((i) => typeof s[i.jsonKey] === 'number')
        .map((i) => `${i.jsonKey} ${(s[i.jsonKey] as number).toFixed(4)}`)
        .join(', ');
      io.stdout(
        `${figures} after ${s.epochs} epochs (${s.seconds.toFixed(1)} s, lr ${s.lr}); wrote ${s.out}\n`,
      );
    }
    return 0;
  }
  const { trainRun } = await import('../train-run');
  const trained = await trainRun({
    config,
    poison,
    defence,
    sal,
    ...(values['surrogate-run'] !== undefined ? { surrogateRun: values['surrogate-run'] } : {}),
    backend,
    out,
    io,
  });
  // An explicit --task digits names its metric like the other tasks; without --task the
  // summary stays as it always was.
  const summary =
    values.task === undefined ? trained : { ...trained, digitsTestAcc: trained.testAcc };
  if (values.json) io.stdout(`${JSON.stringify(summary)}\n`);
  else {
    io.stdout(
      `test acc ${summary.testAcc.toFixed(4)}, test loss ${summary.testLoss.toFixed(4)} after ` +
        `${summary.epochs} epoch${summary.epochs === 1 ? '' : 's'} (${summary.seconds.toFixed(1)} s, ` +
        `${Math.round(summary.examplesPerSec)} examples/s, ${summary.backend}); wrote ${summary.out}` +
        `${summary.didNotTrain ? ` (${DID_NOT_TRAIN_LABEL})` : ''}\n`,
    );
  }
  return 0;
}

/** The `train` entry of the command table. */
export const trainCommand: Command = {
  summary:
    'train a zoo model, optionally poisoned and with per-epoch SAL; save metrics, checkpoints, model',
  usage,
  run,
};
