/**
 * Settings and records of Sharpness-Aware Learnability (docs/science.md section 2), shared by ml/,
 * the worker protocol, the store, the CLI and run.json. No tfjs here.
 */
import { z } from 'zod';

/** SAL settings with the range of every field; every SAL figure is shown next to these. */
export const SalSettingsSchema = z.object({
  /** Relative radius: a copy may move W_l at most eps * ||W_l||_F (paper 0.05). */
  eps: z.number().gt(0).max(1),
  /** Plain SGD step size of the descent and ascent copies (paper 0.1). */
  lr: z.number().gt(0).max(10),
  /** K: full passes over the data per copy, each followed by projection and evaluation (paper 10). */
  rounds: z.number().int().min(1).max(100),
  /** Mini-batch size of the SGD passes and the evaluations (paper 256). */
  batchSize: z.number().int().min(1).max(4096),
  /** Images used: the first `subsetSize` of the run's training set in stored order (all if fewer). */
  subsetSize: z.number().int().min(1).max(60000),
  /** How L0 is measured: the unperturbed model's mean loss on the data, in inference mode. */
  l0Mode: z.literal('inference'),
});

/** SAL settings; every SAL figure is shown next to these. */
export type SalSettings = z.infer<typeof SalSettingsSchema>;

/**
 * The paper's settings (`poison_train_sharp.py` defaults: param_eps 0.05, sharp_lr 0.1,
 * iter_num 10, bs 256) over its whole training set; subsetSize is the largest allowed, so
 * "all images" for every data set here.
 */
export const PAPER_SAL_SETTINGS: Readonly<SalSettings> = {
  eps: 0.05,
  lr: 0.1,
  rounds: 10,
  batchSize: 256,
  subsetSize: 60000,
  l0Mode: 'inference',
};

/**
 * App defaults for SAL after every epoch: the paper's eps and lr, 3 rounds on 256 images in
 * batches of 128. That keeps the 2 SGD steps per round of the PyTorch reference in issue 5
 * (512 images, batch 256, 3 rounds) at half the cost. Measured with `npm run bench:sal`
 * (WASM, Node, 2 cores, 2,000-image runs): all layers of vgg-s in about
 * 4.7 s per epoch (the 512-image reference: 9.2 s), cnn-s in about 0.6 s. On a trained vgg-s
 * the SAL values stayed within about 10% of the 512-image ones, while 256 images at batch 256
 * (one step per round) left the copies short of the radius and the deep layers' SAL 2-3x lower.
 */
export const APP_SAL_DEFAULTS: Readonly<SalSettings> = {
  eps: 0.05,
  lr: 0.1,
  rounds: 3,
  batchSize: 128,
  subsetSize: 256,
  l0Mode: 'inference',
};

/**
 * How SALscape's L0 departs from the paper's code, in words for the UI, README and CLI.
 */
export const SAL_L0_DEPARTURE =
  'L0 is the unperturbed model\u2019s mean cross-entropy on the SAL images, measured in ' +
  'inference mode after the epoch. The paper\u2019s code instead reuses the running mean ' +
  'training loss of the epoch, measured while the weights were still moving, so its S_up and ' +
  'S_down start from a different baseline.';

/**
 * How SALscape's passes over the SAL images depart from the paper's code, in words for the UI.
 */
export const SAL_ORDER_DEPARTURE =
  'Each of the K rounds passes over the SAL images in stored order, without shuffling, and ' +
  'keeps the last, smaller batch; the paper\u2019s loader shuffles every pass and drops the last ' +
  'partial batch. So the same run always gives the same SAL.';

/** Parses an unknown value as SalSettings; throws an Error naming the first bad field. */
export function parseSalSettings(v: unknown): SalSettings {
  const r = SalSettingsSchema.safeParse(v);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.join('.') || '(root)';
  throw new Error(`invalid SAL setting "${field}": ${issue?.message ?? 'bad value'}`);
}

/** SAL of one weight layer (or of one filter): the signed choice and its two non-negative parts. */
export interface LayerSal {
  /** Layer name, e.g. `conv1` (its kernel `conv1/kernel` is the tensor perturbed). */
  name: string;
  /** up if |up| > |down| else down (both are >= 0, so this is the larger part). */
  sal: number;
  /** S_up = max over rounds of the ascent loss - L0, running max from L0 (>= 0). */
  up: number;
  /** S_down = L0 - min over rounds of the descent loss, running min from L0 (>= 0). */
  down: number;
}

/** SAL of one output filter of a layer (the per-filter drill-down, beyond the paper). */
export interface FilterSal {
  /** Filter index: position on the last axis of the TF.js kernel. */
  index: number;
  sal: number;
  up: number;
  down: number;
}

/** Per-layer figures, in the order of the `layers` they come with. */
const perLayer = z.array(z.number());

/**
 * What SAL measures after one epoch, field by field: the one list of SAL's measured fields.
 * A row (one epoch), a series (the app's, all epochs) and run.json's record are all built
 * from it, so a field added here reaches each of them.
 */
const salMeasureShape = {
  /** SAL of each layer: `up` if |up| > |down| else `down` (see {@link LayerSal}). */
  values: perLayer,
  /** S_up of each layer. */
  up: perLayer,
  /** S_down of each layer. */
  down: perLayer,
  /** L0: the unperturbed model's mean loss on the SAL images. */
  l0: z.number(),
};

type PerEpoch<S extends Record<string, z.ZodType>> = { [K in keyof S]: z.ZodArray<S[K]> };

/** The same fields with one entry per epoch (a per-layer array becomes [epoch][layer]). */
function perEpoch<S extends Record<string, z.ZodType>>(shape: S): PerEpoch<S> {
  const out: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(shape)) out[key] = z.array(field);
  return out as PerEpoch<S>;
}

/** Weight-layer names: the columns of every per-layer field. */
const layerNames = z.array(z.string().min(1)).min(1);

/** Schema of {@link SalRow}. */
export const SalRowSchema = z.object({
  /** The 1-based epoch after which SAL was measured. */
  epoch: z.number().int(),
  layers: layerNames,
  ...salMeasureShape,
  /** Wall-clock seconds of the measurement. */
  seconds: z.number(),
});

/** SAL of all weight layers after one epoch (what the worker sends and the CLI prints). */
export type SalRow = z.infer<typeof SalRowSchema>;

/** Schema of {@link SalSeries}. */
export const SalSeriesSchema = z.object({
  layers: layerNames,
  /** 1-based epoch of each row (1, 2, …). */
  epochs: z.array(SalRowSchema.shape.epoch),
  ...perEpoch(salMeasureShape),
  /** Wall-clock seconds of each row. */
  seconds: z.array(SalRowSchema.shape.seconds),
});

/** SAL after every finished epoch of a run, row by row: each field of {@link SalRow} per epoch. */
export type SalSeries = z.infer<typeof SalSeriesSchema>;

/**
 * Schema of {@link SalRecord}: the measured fields per epoch (row t is epoch t + 1); every
 * matrix has one row per epoch and one column per layer. L0 is optional: run.json files
 * written before it was recorded have none.
 */
export const SalRecordSchema = z
  .object({
    settings: SalSettingsSchema,
    layers: layerNames,
    ...perEpoch(salMeasureShape),
    l0: z.array(salMeasureShape.l0).optional(),
  })
  .superRefine((r, ctx) => {
    const epochs = r.values.length;
    for (const key of ['values', 'up', 'down'] as const) {
      const m = r[key];
      if (m.length !== epochs)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `has ${m.length} epochs but values has ${epochs}`,
        });
      m.forEach((row, t) => {
        if (row.length !== r.layers.length)
          ctx.addIssue({
            code: 'custom',
            path: [key, t],
            message: `has ${row.length} entries but there are ${r.layers.length} layers`,
          });
      });
    }
    if (r.l0 && r.l0.length !== epochs)
      ctx.addIssue({
        code: 'custom',
        path: ['l0'],
        message: `has ${r.l0.length} epochs but values has ${epochs}`,
      });
  });

/** The `sal` field of run.json: SAL after every epoch of a run, with its settings. */
export type SalRecord = z.infer<typeof SalRecordSchema>;

/** A run.json record with no epoch yet, to fill row by row with {@link pushSalRow}. */
export function emptySalRecord(settings: SalSettings, layers: string[]): SalRecord {
  return { settings, layers, values: [], up: [], down: [], l0: [] };
}

/** The row of one epoch from the per-layer results of a measurement. */
export function salRowOf(
  epoch: number,
  r: { layers: readonly LayerSal[]; l0: number },
  seconds: number,
): SalRow {
  return {
    epoch,
    layers: r.layers.map((l) => l.name),
    values: r.layers.map((l) => l.sal),
    up: r.layers.map((l) => l.up),
    down: r.layers.map((l) => l.down),
    l0: r.l0,
    seconds,
  };
}

/** Appends a row's measured fields to a record as its next epoch (in place, as a run goes). */
export function pushSalRow(rec: SalRecord, row: SalRow): void {
  rec.values.push(row.values);
  rec.up.push(row.up);
  rec.down.push(row.down);
  rec.l0?.push(row.l0);
}
