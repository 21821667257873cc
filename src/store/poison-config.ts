/**
 * The poison and SAL part of the settings: which methods are toggled, their budgets, the
 * shared ratio and seed, and SAL on/off with its settings; plus labels and validation in words.
 */
import type { DatasetId } from '../core/dataset';
import {
  POISON_METHOD_IDS,
  POISON_METHODS,
  PoisonSettingsSchema,
  type PoisonMethodId,
  type PoisonNorm,
  type PoisonSettings,
} from '../core/poison-types';
import { APP_SAL_DEFAULTS, SalSettingsSchema, type SalSettings } from '../core/sal-types';

/** The poison settings being edited: one poisoned run per toggled method. */
export interface PoisonConfig {
  /** Toggled methods (kept in POISON_METHOD_IDS order). */
  methods: PoisonMethodId[];
  /** Budgets the user changed, in each method's norm; others use the data set's default. */
  eps: Partial<Record<PoisonMethodId, number>>;
  /** Fraction of the training images poisoned, 0..1 (shared by all methods). */
  ratio: number;
  /** Seed of the poison generators (shared by all methods). */
  seed: number;
}

/**
 * Methods toggled on first load, both model-free and instant: LSP, which costs cnn-s about 12
 * points of clean test accuracy at its default budget (npm run bench:poisons), and class-wise
 * random noise of a larger L-inf budget as the control that barely hurts. So the first press of
 * Train shows a poison that bites next to one that does not.
 */
export const DEFAULT_METHODS: readonly PoisonMethodId[] = ['random-class', 'lsp'];

/** A fresh default poison configuration. */
export function defaultPoisonConfig(): PoisonConfig {
  return { methods: [...DEFAULT_METHODS], eps: {}, ratio: 1, seed: 1 };
}

/** A fresh copy of the app's default SAL settings. */
export function defaultSalSettings(): SalSettings {
  return { ...APP_SAL_DEFAULTS };
}

/**
 * A metadata note ("reduced: ...", "departs from the paper: ...") as a sentence for the views:
 * first letter capitalised, a full stop at the end.
 */
export function noteSentence(note: string): string {
  const t = note.trim();
  return t ? `${t[0]!.toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}` : '';
}

/** Short names for legends, status lines and cards (the full name is in POISON_METHODS). */
export const METHOD_SHORT: Readonly<Record<PoisonMethodId, string>> = {
  random: 'Random',
  'random-class': 'Random (class)',
  lsp: 'LSP',
  ar: 'AR',
  ops: 'OPS',
  cuda: 'CUDA blur',
  em: 'EM',
  'em-class': 'EM (class)',
  tap: 'TAP',
  sep: 'SEP',
  rem: 'REM (reduced)',
};

/** A run's short label: "clean" or the method's short name. */
export const runLabel = (method: PoisonMethodId | null): string =>
  method === null ? 'clean' : METHOD_SHORT[method];

/** How each norm is written before a budget. */
export const NORM_LABELS: Readonly<Record<PoisonNorm, string>> = {
  linf: 'L\u221e',
  l2: 'L2',
  l0: 'L0',
  filter: 'blur',
};

/** What a norm's budget measures, for titles. */
export const NORM_MEANING: Readonly<Record<PoisonNorm, string>> = {
  linf: 'largest change of any pixel value (images in [0, 1])',
  l2: 'Euclidean length of one image\u2019s perturbation (images in [0, 1])',
  l0: 'number of changed pixels per image',
  filter: 'spread of the class-wise blur kernel (no additive budget)',
};

/** The budget of `method` in effect: the user's value or the data set's default. */
export function methodEps(p: PoisonConfig, method: PoisonMethodId, dataset: DatasetId): number {
  return p.eps[method] ?? POISON_METHODS[method].defaultEps[dataset];
}

/** A budget with its norm, e.g. "L∞ 0.10", "L2 1.98", "L0 1 px". */
export function fmtBudget(method: PoisonMethodId, eps: number): string {
  const norm = POISON_METHODS[method].norm;
  if (!Number.isFinite(eps)) return `${NORM_LABELS[norm]} –`;
  if (norm === 'l0') return `L0 ${Math.round(eps)} px`;
  return `${NORM_LABELS[norm]} ${eps.toFixed(2)}`;
}

/** The settings one poisoned run is sent with. */
export function poisonSettingsFor(
  p: PoisonConfig,
  method: PoisonMethodId,
  dataset: DatasetId,
): PoisonSettings {
  return { method, eps: methodEps(p, method, dataset), ratio: p.ratio, seed: p.seed };
}

/** The rule of a budget in words, for titles and errors. */
export function budgetRule(method: PoisonMethodId): string {
  switch (POISON_METHODS[method].norm) {
    case 'linf':
      return 'a number from 0 to 1';
    case 'l0':
      return 'a whole number of pixels from 1';
    default:
      return 'a number from 0 to 1000';
  }
}

/** The first invalid poison setting in words ("LSP budget: enter …"), or null. */
export function poisonConfigError(p: PoisonConfig, dataset: DatasetId): string | null {
  if (!(p.ratio >= 0 && p.ratio <= 1)) return 'Poison ratio: enter a percentage from 0 to 100.';
  if (!Number.isInteger(p.seed) || p.seed < 0 || p.seed > 2 ** 31 - 1)
    return 'Poison seed: enter a whole number from 0 to 2,147,483,647.';
  for (const m of p.methods) {
    const r = PoisonSettingsSchema.safeParse(poisonSettingsFor(p, m, dataset));
    if (!r.success) return `${METHOD_SHORT[m]} budget: enter ${budgetRule(m)}.`;
  }
  return null;
}

/** The SAL settings the form edits, with labels and units. */
export const SAL_FIELDS = [
  { key: 'rounds', label: 'Rounds K', unit: '', integer: true, min: 1, max: 100 },
  { key: 'subsetSize', label: 'Images', unit: '', integer: true, min: 1, max: 60000 },
  { key: 'eps', label: 'Radius eps', unit: 'relative', integer: false, min: 0, max: 1 },
  { key: 'lr', label: 'Step size lr', unit: '', integer: false, min: 0, max: 10 },
  { key: 'batchSize', label: 'Batch', unit: '', integer: true, min: 1, max: 4096 },
] as const satisfies readonly {
  key: keyof Omit<SalSettings, 'l0Mode'>;
  label: string;
  unit: string;
  integer: boolean;
  min: number;
  max: number;
}[];

/** The first invalid SAL setting in words, or null. */
export function salConfigError(sal: SalSettings): string | null {
  const r = SalSettingsSchema.safeParse(sal);
  if (r.success) return null;
  const key = r.error.issues[0]?.path[0];
  const f = SAL_FIELDS.find((x) => x.key === key);
  if (!f) return 'SAL: the settings are invalid.';
  const kind = f.integer ? 'a whole number' : 'a number';
  const low = f.integer ? `from ${f.min}` : `above ${f.min}`;
  return `SAL ${f.label}: enter ${kind} ${low}, at most ${f.max.toLocaleString('en-US')}.`;
}

/** SAL settings in one line, e.g. "eps 0.05, lr 0.1, 3 rounds, 256 images, batch 128". */
export function fmtSalSettings(s: SalSettings): string {
  return `eps ${s.eps}, lr ${s.lr}, ${s.rounds} round${s.rounds === 1 ? '' : 's'}, ${s.subsetSize.toLocaleString('en-US')} images, batch ${s.batchSize}`;
}

/** Sorts method ids into the canonical order. */
export function sortMethods(ms: Iterable<PoisonMethodId>): PoisonMethodId[] {
  const set = new Set(ms);
  return POISON_METHOD_IDS.filter((m) => set.has(m));
}
