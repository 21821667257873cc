/**
 * Pretrained demo runs (`public/models/`): the index listing each demo's settings, and one
 * file per run of a demo holding its results, every checkpoint and the default landscapes that
 * start from it, so a page fetches only the runs its settings toggle. Typed arrays travel as
 * base64 of their little-endian bytes, as in session files. Pure codec, no DOM.
 *
 * index.json:      {"format":"salscape-demo-index","version":1,"demos":[{id,files,label,bytes,settings,methods,…}]}
 * <id>/<run>.json: {"format":"salscape-demo","version":1,id,settings,runs:[{key,run,checkpoints}],landscapes:[…]}
 */
import { z } from 'zod';
import { DefenceSettingsSchema, type DefenceSettings } from '../../core/defence-types';
import {
  LANDSCAPE_DATA,
  LandscapeSettingsSchema,
  type LandscapeSettings,
} from '../../core/landscape-types';
import { POISON_METHOD_IDS, type PoisonMethodId } from '../../core/poison-types';
import { BACKENDS, type BackendName } from '../../core/run-types';
import { SalSettingsSchema, type SalSettings } from '../../core/sal-types';
import { binaryReplacer, binaryReviver } from '../../core/session-file-binary';
import { TrainConfigSchema, type TrainConfig } from '../../core/train-config';
import type { WeightSnapshot } from '../../core/weights';
import { LANDSCAPE_KINDS, type LandscapeKind, type LandscapeResult } from '../../workers/protocol';
import type { RunState } from '../../store/reducers/run-state';
import { SavedSchema } from '../share/session-file';

export const DEMO_FORMAT = 'salscape-demo';
export const DEMO_INDEX_FORMAT = 'salscape-demo-index';
export const DEMO_VERSION = 1;

/** A run of a demo: 'clean' or the poison method that made it. */
export type DemoRunKey = 'clean' | PoisonMethodId;

/** The settings that decide a demo's runs (what a page's settings are matched against). */
export interface DemoSettings {
  config: TrainConfig;
  /** SAL settings of every run; null: SAL was off. */
  sal: SalSettings | null;
  defence: DefenceSettings | null;
  /** Poison ratio and seed shared by the poisoned runs. */
  ratio: number;
  seed: number;
  /** Budget of each poisoned run, in its method's norm. */
  eps: Partial<Record<PoisonMethodId, number>>;
}

/** One run's file of a demo. */
export interface DemoPartRef {
  key: DemoRunKey;
  /** Path relative to the index, e.g. "mnist-cnn-s/lsp.json". */
  file: string;
  bytes: number;
}

/** One demo as listed in the index. */
export interface DemoIndexEntry {
  id: string;
  /** One file per run, the clean run first. */
  files: DemoPartRef[];
  label: string;
  /** Size of all its files in bytes. */
  bytes: number;
  settings: DemoSettings;
  /** Poisoned runs it holds, in method order. */
  methods: PoisonMethodId[];
  backend: BackendName;
  /** Wall-clock seconds the build took for this demo. */
  seconds: number;
  createdAt: string;
}

export interface DemoIndex {
  format: typeof DEMO_INDEX_FORMAT;
  version: typeof DEMO_VERSION;
  demos: DemoIndexEntry[];
}

/** One run of a demo file: its record (id = its key) and all checkpoints, epoch 0 first. */
export interface DemoRun {
  key: DemoRunKey;
  run: RunState;
  checkpoints: WeightSnapshot[];
}

/** A finished landscape of a demo, between runs named by key. */
export interface DemoLandscape {
  kind: LandscapeKind;
  source: DemoRunKey;
  target: DemoRunKey | null;
  settings: LandscapeSettings;
  result: LandscapeResult;
  centre: { loss: number; acc: number } | null;
}

export interface DemoFile {
  format: typeof DEMO_FORMAT;
  version: typeof DEMO_VERSION;
  id: string;
  label: string;
  createdAt: string;
  backend: BackendName;
  settings: DemoSettings;
  /** The clean run first, then one per method in method order. */
  runs: DemoRun[];
  landscapes: DemoLandscape[];
}

const KEYS = ['clean', ...POISON_METHOD_IDS] as const;
const num = z.custom<number>((v) => typeof v === 'number', { message: 'expected a number' });
const f32 = z.instanceof(Float32Array, { message: 'expected float32 data' });
const u8 = z.instanceof(Uint8Array, { message: 'expected byte data' });

const DemoSettingsSchema = z.object({
  config: TrainConfigSchema,
  sal: SalSettingsSchema.nullable(),
  defence: DefenceSettingsSchema.nullable(),
  ratio: z.number().min(0).max(1),
  seed: z.number().int().min(0),
  eps: z.partialRecord(z.enum(POISON_METHOD_IDS), z.number()),
});

const IndexSchema = z.object({
  format: z.literal(DEMO_INDEX_FORMAT),
  version: z.literal(DEMO_VERSION),
  demos: z.array(
    z.object({
      id: z.string().min(1),
      files: z
        .array(
          z.object({
            key: z.enum(KEYS),
            file: z
              .string()
              .regex(/^[\w.-]+\/[\w.-]+\.json$/, 'a file in a folder next to the index'),
            bytes: z.number().int().min(0),
          }),
        )
        .min(1),
      label: z.string(),
      bytes: z.number().int().min(0),
      settings: DemoSettingsSchema,
      methods: z.array(z.enum(POISON_METHOD_IDS)),
      backend: z.enum(BACKENDS),
      seconds: z.number().min(0),
      createdAt: z.string(),
    }),
  ),
});

const SnapshotSchema = z.object({
  names: z.array(z.string()),
  shapes: z.array(z.array(z.number().int().min(0))),
  data: z.array(f32),
});
const Grid = z.object({ xs: f32, ys: f32, loss: f32, acc: f32, done: u8 });
const ResultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('surface'), surface: Grid }),
  z.object({
    kind: z.literal('interpolation'),
    curve: z.object({ alphas: f32, loss: f32, acc: f32 }),
  }),
  z.object({
    kind: z.literal('path'),
    surface: Grid,
    plane: z.object({
      pathA: f32,
      pathB: f32,
      explained: z.tuple([num, num]),
      offPlane: f32,
    }),
  }),
]);

const FileSchema = z.object({
  format: z.literal(DEMO_FORMAT),
  version: z.literal(DEMO_VERSION),
  id: z.string().min(1),
  label: z.string(),
  createdAt: z.string(),
  backend: z.enum(BACKENDS),
  settings: DemoSettingsSchema,
  runs: z
    .array(
      z.object({
        key: z.enum(KEYS),
        // A run record as session files check it (same fields).
        run: z.unknown(),
        checkpoints: z.array(SnapshotSchema).min(1),
      }),
    )
    .min(1),
  landscapes: z.array(
    z.object({
      kind: z.enum(LANDSCAPE_KINDS),
      source: z.enum(KEYS),
      target: z.enum(KEYS).nullable(),
      settings: LandscapeSettingsSchema.extend({ data: z.enum(LANDSCAPE_DATA) }),
      result: ResultSchema,
      centre: z.object({ loss: num, acc: num }).nullable(),
    }),
  ),
});

const firstIssue = (e: z.ZodError): string => {
  const issue = e.issues[0];
  return `${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`;
};

/** Text of a demo file (compact: base64 typed arrays). */
export function encodeDemoFile(file: DemoFile): string {
  return JSON.stringify(file, binaryReplacer);
}

/** Text of the index. */
export function encodeDemoIndex(index: DemoIndex): string {
  return `${JSON.stringify(index, null, 1)}\n`;
}

/** Reads the index; throws an Error saying what is wrong. */
export function decodeDemoIndex(raw: unknown): DemoIndex {
  const r = IndexSchema.safeParse(raw);
  if (!r.success) throw new Error(`the demo index is damaged: ${firstIssue(r.error)}`);
  return r.data as DemoIndex;
}

/** Reads a demo file's text; throws an Error saying what is wrong. */
export function decodeDemoFile(text: string): DemoFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text, binaryReviver);
  } catch (e) {
    throw new Error(`the demo file is not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const r = FileSchema.safeParse(raw);
  if (!r.success) throw new Error(`the demo file is damaged: ${firstIssue(r.error)}`);
  const d = r.data;
  // Run records are checked the way session files check them.
  const runs = d.runs.map((x) => x.run);
  const cleanId = d.runs[0]!.key;
  const saved = SavedSchema.safeParse({
    id: 'demo',
    name: null,
    savedAt: 0,
    interrupted: false,
    experiment: {
      id: 'demo',
      index: 1,
      config: d.settings.config,
      sal: d.settings.sal,
      defence: d.settings.defence,
      cleanRunId: cleanId,
      poisonedRunIds: d.runs.slice(1).map((x) => x.key),
    },
    runs,
  });
  if (!saved.success) throw new Error(`the demo file is damaged: runs.${firstIssue(saved.error)}`);
  return { ...(d as unknown as DemoFile) };
}

/** A demo cut into one file per run, each with the landscapes that start from that run. */
export function splitDemoFile(file: DemoFile): { key: DemoRunKey; part: DemoFile }[] {
  return file.runs.map((r) => ({
    key: r.key,
    part: { ...file, runs: [r], landscapes: file.landscapes.filter((l) => l.source === r.key) },
  }));
}

/** The demo made whole again from some of its run files (in the order given). */
export function mergeDemoParts(parts: readonly DemoFile[]): DemoFile {
  const first = parts[0];
  if (!first) throw new Error('no demo files to merge');
  for (const p of parts)
    if (p.id !== first.id || p.createdAt !== first.createdAt)
      throw new Error(`the demo files of ${first.id} are from different builds`);
  return {
    ...first,
    runs: parts.flatMap((p) => p.runs),
    landscapes: parts.flatMap((p) => p.landscapes),
  };
}
