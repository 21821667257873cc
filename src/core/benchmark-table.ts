/**
 * The UD benchmark's table: one row per (method, defence) with test and training accuracy and
 * the UD per seed, their means over seeds and 95 % intervals (core/interval.ts), and how many
 * runs did not train (core/breakdown.ts; such runs are named, never averaged). The CLI writes
 * it (`salscape benchmark`) and the app can export the same rows, so the schema, the row
 * builder and the CSV writer and reader live here, once.
 */
import { z } from 'zod';
import { meanInterval } from './interval';
import { DEFENCE_IDS } from './defence-types';
import { POISON_METHOD_IDS } from './poison-types';
import { SalSettingsSchema } from './sal-types';
import { TrainConfigSchema } from './train-config';
import { parseCsv, toCsv } from './csv';

/** The control "method": clean seed s against clean seed s + 1, whose UD should straddle 1. */
export const CLEAN_METHOD = 'clean';
/** The "defence" of runs trained without one. */
export const NO_DEFENCE = 'none';

const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);
const finite = z.number().finite();

/** A mean with its interval as a table stores it (the reason is implied by n: 0 or 1). */
export const IntervalCellSchema = z.object({
  mean: finite.nullable(),
  lo: finite.nullable(),
  hi: finite.nullable(),
  n: z.number().int().min(0),
});
export type IntervalCell = z.infer<typeof IntervalCellSchema>;

/** Per-seed figures, each array aligned with the row's `seeds`; null where a run gave none. */
export const PerSeedSchema = z.object({
  testAcc: z.array(finite.nullable()),
  trainAcc: z.array(finite.nullable()),
  ud: z.array(finite.nullable()),
  didNotTrain: z.array(z.boolean()),
  /** Why a seed's figure is missing (breakdown, undefined UD), in words; null when none is. */
  note: z.array(z.string().nullable()),
});
export type PerSeed = z.infer<typeof PerSeedSchema>;

/** One row of the benchmark. */
export const BenchmarkRowSchema = z
  .object({
    method: z.enum([CLEAN_METHOD, ...POISON_METHOD_IDS]),
    defence: z.enum([NO_DEFENCE, ...DEFENCE_IDS]),
    seeds: z.array(seed).min(1),
    testAcc: IntervalCellSchema,
    trainAcc: IntervalCellSchema,
    ud: IntervalCellSchema,
    /** Seeds whose run of this row did not train (left out of every mean). */
    didNotTrain: z.number().int().min(0),
    perSeed: PerSeedSchema,
  })
  .superRefine((row, ctx) => {
    for (const [k, list] of Object.entries(row.perSeed)) {
      if (list.length !== row.seeds.length)
        ctx.addIssue({
          code: 'custom',
          path: ['perSeed', k],
          message: `has ${list.length} values for ${row.seeds.length} seeds`,
        });
    }
  });
export type BenchmarkRow = z.infer<typeof BenchmarkRowSchema>;

/** What the rows were measured with (benchmark.json keeps it next to the rows). */
export const BenchmarkSetupSchema = z.object({
  config: TrainConfigSchema.omit({ seed: true }),
  sal: SalSettingsSchema,
  /** The poisons' settings without their seed (each run's poison seed is its seed). */
  poisons: z.array(
    z.object({ method: z.enum(POISON_METHOD_IDS), eps: z.number().min(0), ratio: z.number() }),
  ),
  /** Each defence of the table with its settings in words ("JPEG q10"). */
  defences: z.array(z.object({ id: z.enum([NO_DEFENCE, ...DEFENCE_IDS]), label: z.string() })),
  backend: z.string(),
  seconds: z.number().min(0),
});
export type BenchmarkSetup = z.infer<typeof BenchmarkSetupSchema>;

/** benchmark.json, and the `--json` line (rows only). */
export const BenchmarkTableSchema = z.object({
  rows: z.array(BenchmarkRowSchema),
  setup: BenchmarkSetupSchema.optional(),
});
export type BenchmarkTable = z.infer<typeof BenchmarkTableSchema>;

/** One seed's outcome for a row, before the means. */
export interface SeedOutcome {
  seed: number;
  /** The row's run; null when it did not train (then `note` says why). */
  testAcc: number | null;
  trainAcc: number | null;
  ud: number | null;
  didNotTrain: boolean;
  note: string | null;
}

const defined = (xs: readonly (number | null)[]) => xs.filter((x): x is number => x !== null);

function cell(values: readonly (number | null)[]): IntervalCell {
  const { mean, lo, hi, n } = meanInterval(defined(values));
  return { mean, lo, hi, n };
}

/** A row from its seeds' outcomes: means and intervals over the seeds that gave a value. */
export function benchmarkRow(
  method: BenchmarkRow['method'],
  defence: BenchmarkRow['defence'],
  outcomes: readonly SeedOutcome[],
): BenchmarkRow {
  const pick = <K extends keyof SeedOutcome>(k: K) => outcomes.map((o) => o[k]);
  const perSeed: PerSeed = {
    testAcc: pick('testAcc'),
    trainAcc: pick('trainAcc'),
    ud: pick('ud'),
    didNotTrain: pick('didNotTrain'),
    note: pick('note'),
  };
  return BenchmarkRowSchema.parse({
    method,
    defence,
    seeds: pick('seed'),
    testAcc: cell(perSeed.testAcc),
    trainAcc: cell(perSeed.trainAcc),
    ud: cell(perSeed.ud),
    didNotTrain: perSeed.didNotTrain.filter(Boolean).length,
    perSeed,
  });
}

const FIGURES = ['testAcc', 'trainAcc', 'ud'] as const;
const PARTS = ['mean', 'lo', 'hi', 'n'] as const;
const PER_SEED = Object.keys(PerSeedSchema.shape) as (keyof PerSeed)[];

/**
 * The CSV columns, in order: method, defence, seeds (space-separated), the interval of each
 * figure (`testAcc_mean`, `testAcc_lo`, ..., `ud_n`), didNotTrain, then each per-seed list as a
 * JSON array (`seed_testAcc` ...), which a spreadsheet shows as text and the reader parses back.
 */
export const BENCHMARK_CSV_COLUMNS: readonly string[] = [
  'method',
  'defence',
  'seeds',
  ...FIGURES.flatMap((f) => PARTS.map((p) => `${f}_${p}`)),
  'didNotTrain',
  ...PER_SEED.map((k) => `seed_${k}`),
];

const numText = (x: number | null) => (x === null ? '' : String(x));

/** Rows to CSV text (a header line, then one line per row; full precision, empty = none). */
export function benchmarkToCsv(rows: readonly BenchmarkRow[]): string {
  const lines = rows.map((r) => [
    r.method,
    r.defence,
    r.seeds.join(' '),
    ...FIGURES.flatMap((f) => PARTS.map((p) => numText(r[f][p]))),
    String(r.didNotTrain),
    ...PER_SEED.map((k) => JSON.stringify(r.perSeed[k])),
  ]);
  return toCsv([BENCHMARK_CSV_COLUMNS, ...lines]);
}

function parseNum(text: string, where: string): number | null {
  if (text.trim() === '') return null;
  const v = Number(text);
  if (!Number.isFinite(v)) throw new Error(`benchmark CSV: ${where} is "${text}", not a number`);
  return v;
}

/** CSV text (as {@link benchmarkToCsv} writes it) back to checked rows; throws naming the cell. */
export function benchmarkFromCsv(text: string): BenchmarkRow[] {
  const [header, ...records] = parseCsv(text);
  if (!header) throw new Error('benchmark CSV: no header line');
  const missing = BENCHMARK_CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0)
    throw new Error(`benchmark CSV: missing column${missing.length > 1 ? 's' : ''} ${missing}`);
  return records.map((rec, i) => {
    const at = (col: string) => rec[header.indexOf(col)] ?? '';
    const where = (col: string) => `line ${i + 2}, ${col}`;
    const raw = {
      method: at('method'),
      defence: at('defence'),
      seeds: at('seeds')
        .split(/\s+/)
        .filter((s) => s !== '')
        .map((s) => parseNum(s, where('seeds'))),
      ...Object.fromEntries(
        FIGURES.map((f) => [
          f,
          Object.fromEntries(PARTS.map((p) => [p, parseNum(at(`${f}_${p}`), where(`${f}_${p}`))])),
        ]),
      ),
      didNotTrain: parseNum(at('didNotTrain'), where('didNotTrain')),
      perSeed: Object.fromEntries(
        PER_SEED.map((k) => {
          try {
            return [k, JSON.parse(at(`seed_${k}`)) as unknown];
          } catch {
            throw new Error(`benchmark CSV: ${where(`seed_${k}`)} is not a JSON list`);
          }
        }),
      ),
    };
    const r = BenchmarkRowSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new Error(
        `benchmark CSV: line ${i + 2}, ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    return r.data;
  });
}

/** JSON text of a table back to checked rows and setup; throws with the first problem. */
export function benchmarkFromJson(text: string): BenchmarkTable {
  const r = BenchmarkTableSchema.safeParse(JSON.parse(text));
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(
      `benchmark JSON: ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return r.data;
}
