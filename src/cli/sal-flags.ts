/**
 * SAL settings from flags: `salscape train --sal --sal-eps ... --sal-size` and
 * `salscape sal --eps ... --limit [--paper]`. Each value is checked against SalSettingsSchema
 * with a message naming its flag. No TensorFlow.js here.
 */
import { z } from 'zod';
import {
  APP_SAL_DEFAULTS,
  PAPER_SAL_SETTINGS,
  SalSettingsSchema,
  type SalSettings,
} from '../core/sal-types';
import { parseNumberFlag, UsageError, type FlagTable } from './args';

/** The numeric SAL fields a flag can set. */
export type SalField = 'eps' | 'lr' | 'rounds' | 'batchSize' | 'subsetSize';

/** Flags of `salscape train` for per-epoch SAL. */
export const SAL_TRAIN_FLAGS = {
  sal: {
    type: 'boolean',
    help: 'measure SAL of every weight layer after every epoch on the run\u2019s own training data',
  },
  'sal-eps': {
    type: 'string',
    value: 'E',
    help: 'SAL relative radius eps',
    default: APP_SAL_DEFAULTS.eps,
  },
  'sal-lr': {
    type: 'string',
    value: 'LR',
    help: 'SAL SGD step size',
    default: APP_SAL_DEFAULTS.lr,
  },
  'sal-rounds': {
    type: 'string',
    value: 'K',
    help: 'SAL rounds (full passes) per copy',
    default: APP_SAL_DEFAULTS.rounds,
  },
  'sal-batch': {
    type: 'string',
    value: 'B',
    help: 'SAL mini-batch size',
    default: APP_SAL_DEFAULTS.batchSize,
  },
  'sal-size': {
    type: 'string',
    value: 'N',
    help: 'SAL images: the first N of the training set',
    default: APP_SAL_DEFAULTS.subsetSize,
  },
} as const satisfies FlagTable;

/** Flag name (without dashes) of each field in `salscape train`. */
export const TRAIN_SAL_FLAG_OF: Record<SalField, string> = {
  eps: 'sal-eps',
  lr: 'sal-lr',
  rounds: 'sal-rounds',
  batchSize: 'sal-batch',
  subsetSize: 'sal-size',
};

/** Flag name of each field in `salscape sal`. */
export const SAL_COMMAND_FLAG_OF: Record<SalField, string> = {
  eps: 'eps',
  lr: 'lr',
  rounds: 'rounds',
  batchSize: 'batch',
  subsetSize: 'limit',
};

function expectation(field: SalField): string {
  const f = SalSettingsSchema.shape[field] as z.ZodNumber;
  const kind = f.isInt ? 'an integer' : 'a number';
  const { minValue: lo, maxValue: hi } = f;
  if (lo === null || hi === null) return kind;
  if (!f.safeParse(lo).success) return `${kind} > ${lo} and <= ${hi}`;
  return `${kind} from ${lo} to ${hi}`;
}

/**
 * `base` with the fields given in `raw` (flag texts keyed by field) replaced; UsageError naming
 * the flag (`flagOf[field]`) of a value out of range.
 */
export function salSettingsFromFlags(
  base: Readonly<SalSettings>,
  raw: Partial<Record<SalField, string>>,
  flagOf: Record<SalField, string>,
): SalSettings {
  const out: SalSettings = { ...base };
  for (const field of Object.keys(flagOf) as SalField[]) {
    const text = raw[field];
    if (text === undefined) continue;
    const flag = flagOf[field];
    const v = parseNumberFlag(flag, text);
    if (!SalSettingsSchema.shape[field].safeParse(v).success) {
      throw new UsageError(`--${flag} must be ${expectation(field)} (got ${v})`);
    }
    out[field] = v;
  }
  return out;
}

/** The base settings of `salscape sal`: the app defaults, or the paper's with --paper. */
export function salBase(paper: boolean): Readonly<SalSettings> {
  return paper ? PAPER_SAL_SETTINGS : APP_SAL_DEFAULTS;
}

/** One line describing SAL settings, for stderr and text output. */
export function describeSal(s: SalSettings): string {
  return (
    `eps ${s.eps}, lr ${s.lr}, ${s.rounds} round${s.rounds === 1 ? '' : 's'}, batch ${s.batchSize}, ` +
    `${s.subsetSize} images, L0 in ${s.l0Mode} mode`
  );
}

/** The SAL flag texts given to `salscape train`-style flags (`--sal-eps` ...), keyed by field. */
export function trainSalRaw(
  values: Partial<Record<string, string | boolean>>,
): Partial<Record<SalField, string>> {
  const raw: Partial<Record<SalField, string>> = {};
  for (const [field, flag] of Object.entries(TRAIN_SAL_FLAG_OF) as [SalField, string][]) {
    const v = values[flag];
    if (typeof v === 'string') raw[field] = v;
  }
  return raw;
}
