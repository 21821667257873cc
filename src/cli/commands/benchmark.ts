/**
 * `salscape benchmark`: test accuracy and UD of poisons under defences over several seeds, with
 * means and 95 % intervals, written as benchmark.csv / benchmark.json (core/benchmark-table.ts).
 * Flags are checked here, through the same helpers as `train`, before TensorFlow.js loads.
 */
import path from 'node:path';
import { CLEAN_METHOD } from '../../core/benchmark-table';
import { isPoisonMethodId, POISON_METHOD_IDS, type PoisonSettings } from '../../core/poison-types';
import { APP_SAL_DEFAULTS, type SalSettings } from '../../core/sal-types';
import { formatFlags, parseFlags, parseNumberFlag, UsageError, type FlagTable } from '../args';
import { BACKEND_FLAG, backendFromFlag } from '../backend-flag';
import type { CliIO, Command } from '../command';
import { DEFENCE_FLAGS, defenceListFromFlags, defenceTable } from '../defence-flags';
import { checkOutDir } from '../out-dir';
import { methodTable, poisonSettingsFromFlags } from '../poison-flags';
import {
  SAL_TRAIN_FLAGS,
  salSettingsFromFlags,
  TRAIN_SAL_FLAG_OF,
  trainSalRaw,
} from '../sal-flags';
import { TRAIN_CONFIG_FLAGS, trainConfigFromFlags } from '../train-flags';

const MAX_SEED = 2 ** 31 - 1;

// --seeds replaces --seed, SAL is always on (UD needs it), --defences replaces --defence.
const { seed: _seed, ...CONFIG_FLAGS } = TRAIN_CONFIG_FLAGS;
const { sal: _sal, ...SAL_FLAGS } = SAL_TRAIN_FLAGS;
const { defence: _defence, ...DEFENCE_PARAM_FLAGS } = DEFENCE_FLAGS;

const FLAGS = {
  ...CONFIG_FLAGS,
  seeds: {
    type: 'string',
    value: 'S,S,...',
    help: 'seeds; each moves the subsets, the init, the shuffling and the poison',
    default: '1,2,3',
  },
  methods: {
    type: 'string',
    value: 'M[=E],...',
    help: `${CLEAN_METHOD} (the control: clean seed s vs clean seed s+1) and poison ids, each with an optional budget (em-class=0.1)`,
    default: 'clean,random-class,lsp',
  },
  ratio: {
    type: 'string',
    value: 'R',
    help: 'fraction of the training images poisoned, 0..1 or 0%..100%',
    default: 1,
  },
  defences: {
    type: 'string',
    value: 'none,ID,...',
    help: 'train every run under each of these (none = no defence)',
    default: 'none',
  },
  ...DEFENCE_PARAM_FLAGS,
  ...SAL_FLAGS,
  backend: BACKEND_FLAG,
  out: { type: 'string', value: 'DIR', help: 'output folder (required; created if missing)' },
  json: { type: 'boolean', help: 'print {"rows": [...]} as one JSON line on stdout, nothing else' },
} as const satisfies FlagTable;

function usage(): string {
  return [
    'Usage: salscape benchmark --out DIR [flags]',
    '',
    'For every seed and every defence: the clean run and one poisoned run per method, all with SAL',
    'after every epoch (as "salscape train --sal"); the poison\u2019s seed is the run\u2019s seed, and',
    'the clean run of a defence trains with that defence too (as in the app). Per (method,',
    'defence) row: test and training accuracy and the UD (poisoned vs the clean run of the same',
    'seed and defence) per seed, their means and 95 % Student t-intervals over the seeds: mean +-',
    't(0.975, n-1) sd / sqrt(n), not clipped to [0, 1] (one seed: a mean, no interval). A run that',
    'did not train (training accuracy at chance with the loss at ln C, or a loss that blew up) is',
    `left out of every mean and counted in "didNotTrain". The "${CLEAN_METHOD}" row compares clean seed`,
    's with clean seed s+1 (trained as well when s+1 is not among the seeds): its UD should straddle',
    '1. One progress line per run on stderr. Writes:',
    '  DIR/benchmark.json  {"rows": [...], "setup": {config, sal, poisons, defences, backend, seconds}}',
    '  DIR/benchmark.csv   the same rows, one line each (per-seed lists as JSON arrays)',
    '',
    'Flags:',
    formatFlags(FLAGS),
    '',
    'Methods (default budget per data set unless M=E is given):',
    methodTable(),
    '',
    'Defences (their parameter flags above apply to the listed defence):',
    defenceTable(),
    '',
    'With --json, stdout is one line: {"rows": [{"method", "defence", "seeds", "testAcc": {mean, lo,',
    'hi, n}, "trainAcc": {...}, "ud": {...}, "didNotTrain", "perSeed": {testAcc, trainAcc, ud,',
    'didNotTrain, note}}]}.',
  ].join('\n');
}

/** Distinct seeds from `1,2,3`; UsageError naming --seeds otherwise. */
export function parseSeedList(raw: string, needNext: boolean): number[] {
  const max = needNext ? MAX_SEED - 1 : MAX_SEED;
  const seeds = raw.split(',').map((s) => parseNumberFlag('seeds', s));
  for (const s of seeds) {
    if (!Number.isInteger(s) || s < 0 || s > max)
      throw new UsageError(`--seeds must be whole numbers from 0 to ${max} (got ${s})`);
  }
  if (new Set(seeds).size !== seeds.length) throw new UsageError('--seeds names a seed twice');
  return seeds;
}

/** The methods of `clean,em-class=0.1,lsp`: the control flag and the poisons (seed 0, set per run). */
export function parseMethodList(
  raw: string,
  ratio: string | undefined,
  dataset: Parameters<typeof poisonSettingsFromFlags>[1],
): { control: boolean; poisons: PoisonSettings[] } {
  const items = raw.split(',').map((s) => s.trim());
  const ids = items.map((it) => it.split('=')[0]!.trim());
  if (new Set(ids).size !== ids.length) throw new UsageError('--methods names a method twice');
  const poisons: PoisonSettings[] = [];
  items.forEach((it, i) => {
    const id = ids[i]!;
    if (id === CLEAN_METHOD) {
      if (it.includes('=')) throw new UsageError(`--methods: ${CLEAN_METHOD} takes no budget`);
      return;
    }
    if (!isPoisonMethodId(id))
      throw new UsageError(
        `--methods takes ${CLEAN_METHOD} and ${POISON_METHOD_IDS.join(', ')}, comma-separated (got "${id}")`,
      );
    const eps = it.includes('=') ? it.slice(it.indexOf('=') + 1) : undefined;
    poisons.push(
      poisonSettingsFromFlags(
        {
          method: { flag: 'methods', raw: id },
          ...(eps !== undefined ? { eps: { flag: 'methods', raw: eps } } : {}),
          ...(ratio !== undefined ? { ratio: { flag: 'ratio', raw: ratio } } : {}),
          seed: { flag: 'seeds', value: 0 },
        },
        dataset,
      ),
    );
  });
  const control = ids.includes(CLEAN_METHOD);
  if (!control && poisons.length === 0) throw new UsageError('--methods is empty');
  return { control, poisons };
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags('benchmark', argv, FLAGS);
  if (values.help) {
    io.stdout(`${usage()}\n`);
    return 0;
  }
  const config = trainConfigFromFlags(values);
  const { control, poisons } = parseMethodList(
    values.methods ?? FLAGS.methods.default,
    values.ratio,
    config.dataset,
  );
  const seeds = parseSeedList(values.seeds ?? FLAGS.seeds.default, control);
  const defences = defenceListFromFlags(values.defences ?? FLAGS.defences.default, values);
  const salRaw = trainSalRaw(values);
  const sal: SalSettings = salSettingsFromFlags(APP_SAL_DEFAULTS, salRaw, TRAIN_SAL_FLAG_OF);
  const backend = backendFromFlag(values.backend);
  if (values.out === undefined || values.out.trim() === '')
    throw new UsageError('--out DIR is required (the folder to write benchmark.csv and .json to)');
  const out = path.resolve(values.out);
  await checkOutDir(out, 'benchmark.json');
  const { runBenchmark, benchmarkText } = await import('../benchmark-run');
  const table = await runBenchmark({
    config,
    seeds,
    control,
    poisons,
    defences,
    sal,
    backend,
    out,
    io,
  });
  io.stdout(
    values.json ? `${JSON.stringify({ rows: table.rows })}\n` : `${benchmarkText(table)}\n`,
  );
  return 0;
}

/** The `benchmark` entry of the command table. */
export const benchmarkCommand: Command = {
  summary: 'test accuracy and UD of poisons under defences over seeds, with 95 % intervals',
  usage,
  run,
};
