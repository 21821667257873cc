/**
 * Session files (`.salscape.json`): the settings as a link hash, the saved experiments with
 * their runs' results and, optionally, each run's final weights. Pure codec, no DOM.
 *
 * {"format":"salscape-session","version":1,"exportedAt":"…","settings":"#d=mnist&…",
 *  "experiments":[{name,interrupted,savedAt,experiment,runs:[…]}],"weights":[{runId,epoch,weights}]}
 *
 * Typed arrays (images, perturbations, weights) are base64 of their little-endian bytes
 * (`core/session-file-binary.ts`); no gzip: the files are a few hundred KB to a few MB and
 * stay readable, and fflate would add a format to explain for a modest gain.
 */
import { z } from 'zod';
import { DefenceSettingsSchema } from '../../core/defence-types';
import { POISON_METHOD_IDS, PoisonSettingsSchema } from '../../core/poison-types';
import { BACKENDS } from '../../core/run-types';
import { SalSettingsSchema } from '../../core/sal-types';
import { binaryReplacer, binaryReviver } from '../../core/session-file-binary';
import { TrainConfigSchema } from '../../core/train-config';
import type { RunState } from '../../store/reducers/run-state';
import type { Experiment } from '../../store/types';
import type { SavedExperiment, SavedWeights } from './saved-experiment';
import type { DecodedShare } from './share-types';
import { decodeShareState } from './url-codec';

export const SESSION_FORMAT = 'salscape-session';
export const SESSION_VERSION = 1;
/** File name suffix of session files. */
export const SESSION_SUFFIX = '.salscape.json';

/** A decoded session file. */
export interface SessionContents {
  /** The settings, decoded field by field like a link. */
  settings: DecodedShare;
  experiments: SavedExperiment[];
  weights: SavedWeights[];
}

// Any number, NaN and ±Infinity included (a diverged run's loss is NaN and must survive).
const num = z.custom<number>((v) => typeof v === 'number', { message: 'expected a number' });
const nums = z.array(num);
const f32 = z.instanceof(Float32Array, { message: 'expected float32 data' });
const u8 = z.instanceof(Uint8Array, { message: 'expected byte data' });
const str = z.string();

const ImagesSchema = z.object({
  labels: u8,
  count: z.number().int().min(0),
  height: z.number().int().min(1),
  width: z.number().int().min(1),
  channels: z.number().int().min(1),
  classNames: z.array(str),
});

const RunSchema = z.looseObject({
  id: str.min(1),
  index: z.number().int(),
  experimentId: str.min(1),
  method: z.enum(POISON_METHOD_IDS).nullable(),
  poisonSettings: PoisonSettingsSchema.nullable(),
  salSettings: SalSettingsSchema.nullable(),
  config: TrainConfigSchema,
  backend: z.enum(BACKENDS).nullable(),
  color: str,
  status: z.enum([
    'queued',
    'loading',
    'poisoning',
    'training',
    'sal',
    'done',
    'cancelled',
    'failed',
  ]),
  detail: str,
  fraction: num,
  loadParts: z.record(str, num),
  epochs: z.array(
    z.looseObject({
      epoch: z.number().int(),
      trainLoss: num,
      trainAcc: num,
      testLoss: num,
      testAcc: num,
      seconds: num,
      examplesPerSec: num,
    }),
  ),
  progress: z.null(),
  loss: z.object({ x: nums, recent: nums, mean: nums }),
  checkpoints: z.number().int().min(0),
  samples: ImagesSchema.extend({ images: u8 }).nullable(),
  poison: z
    .object({
      summary: z.looseObject({ method: z.enum(POISON_METHOD_IDS) }),
      gallery: ImagesSchema.extend({ original: u8, poisoned: u8, perturbation: f32 }),
    })
    .nullable(),
  sal: z
    .object({
      layers: z.array(str),
      epochs: z.array(z.number().int()),
      values: z.array(nums),
      up: z.array(nums),
      down: z.array(nums),
      l0: nums,
      seconds: nums,
    })
    .nullable(),
  filters: z.record(str, z.looseObject({ status: z.literal('done'), layer: str })),
  error: str.nullable(),
  cancelRequested: z.boolean(),
  startedAt: num,
  elapsed: num,
});

const ExperimentSchema = z.object({
  id: str.min(1),
  index: z.number().int(),
  config: TrainConfigSchema,
  sal: SalSettingsSchema.nullable(),
  defence: DefenceSettingsSchema.nullable().optional(),
  demo: z
    .object({ id: str.min(1), createdAt: str, backend: z.enum(BACKENDS) })
    .nullable()
    .optional(),
  cleanRunId: str.min(1),
  poisonedRunIds: z.array(str.min(1)),
});

export const SavedSchema = z
  .object({
    id: str.min(1),
    name: str.nullable(),
    savedAt: num,
    interrupted: z.boolean(),
    experiment: ExperimentSchema,
    runs: z.array(RunSchema).min(1),
  })
  .superRefine((x, ctx) => {
    const want = [x.experiment.cleanRunId, ...x.experiment.poisonedRunIds];
    const have = x.runs.map((r) => r.id);
    if (want.join('\n') !== have.join('\n'))
      ctx.addIssue({
        code: 'custom',
        path: ['runs'],
        message: `runs [${have.join(', ')}] do not match the experiment's [${want.join(', ')}]`,
      });
  });

const WeightsSchema = z.object({
  runId: str.min(1),
  epoch: z.number().int().min(0),
  weights: z
    .object({
      names: z.array(str),
      shapes: z.array(z.array(z.number().int().min(0))),
      data: z.array(f32),
    })
    .superRefine((w, ctx) => {
      if (w.names.length !== w.shapes.length || w.names.length !== w.data.length)
        ctx.addIssue({ code: 'custom', message: 'names, shapes and data differ in length' });
      w.shapes.forEach((sh, i) => {
        const n = sh.reduce((a, b) => a * b, 1);
        if (w.data[i]?.length !== n)
          ctx.addIssue({
            code: 'custom',
            path: ['data', i],
            message: `has ${w.data[i]?.length} values, shape ${sh.join('x')} needs ${n}`,
          });
      });
    }),
});

const SessionSchema = z.object({
  format: z.literal(SESSION_FORMAT),
  version: z.literal(SESSION_VERSION),
  exportedAt: str,
  settings: str,
  experiments: z.array(SavedSchema),
  weights: z.array(WeightsSchema).optional(),
});

/** Writes a session file's text. `weights` are included only when given. */
export function encodeSession(
  settingsHash: string,
  experiments: readonly SavedExperiment[],
  weights: readonly SavedWeights[] = [],
  exportedAt = new Date(),
): string {
  const body = {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    exportedAt: exportedAt.toISOString(),
    settings: settingsHash,
    experiments,
    ...(weights.length ? { weights } : {}),
  };
  return JSON.stringify(body, binaryReplacer);
}

/** What went wrong with a file, in words for the user; or the contents. */
export type SessionResult = { ok: true; session: SessionContents } | { ok: false; error: string };

/**
 * Reads a session file's text. Rejects (with a sentence saying why) text that is not JSON,
 * not a SALscape session, of a newer version, or damaged; never throws.
 */
export function decodeSession(text: string): SessionResult {
  const fail = (error: string): SessionResult => ({ ok: false, error });
  let raw: unknown;
  try {
    raw = JSON.parse(text, binaryReviver);
  } catch (e) {
    return fail(
      `This file is not a readable session: it is not valid JSON, perhaps cut short (${(e as Error).message}).`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return fail('This is not a SALscape session file: it holds no JSON object.');
  const head = raw as Record<string, unknown>;
  if (head.format !== SESSION_FORMAT)
    return fail(
      `This is not a SALscape session file: its format is ${head.format === undefined ? 'missing' : JSON.stringify(head.format)}, expected "${SESSION_FORMAT}".`,
    );
  if (typeof head.version !== 'number' || !Number.isInteger(head.version) || head.version < 1)
    return fail(`This session file has no valid version (${JSON.stringify(head.version)}).`);
  if (head.version > SESSION_VERSION)
    return fail(
      `This session file is version ${head.version}, newer than this SALscape reads (version ${SESSION_VERSION}). Open it with a newer SALscape.`,
    );
  const r = SessionSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.join('.') || '(top level)';
    return fail(`This session file is damaged: ${where}: ${issue?.message ?? 'invalid'}.`);
  }
  const d = r.data;
  return {
    ok: true,
    session: {
      settings: decodeShareState(d.settings),
      experiments: d.experiments.map((x) => ({
        ...x,
        experiment: x.experiment as Experiment,
        runs: x.runs as unknown as RunState[],
      })),
      weights: d.weights ?? [],
    },
  };
}
