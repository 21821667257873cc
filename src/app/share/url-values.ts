/**
 * How one value of the URL hash is read and written: strict number and bit parsers that word
 * why a value is refused, comma-separated tuples decoded part by part (a bad part is dropped on
 * its own), the poison list `p=` and the defence `def=`. The table of keys is `url-codec.ts`.
 */
import { z } from 'zod';
import {
  DefenceSettingsSchema,
  defaultDefence,
  isDefenceId,
  type DefenceSettings,
} from '../../core/defence-types';
import { LandscapeSettingsSchema, type LandscapeSettings } from '../../core/landscape-types';
import {
  isPoisonMethodId,
  PoisonSettingsSchema,
  type PoisonMethodId,
} from '../../core/poison-types';
import { SalSettingsSchema, type SalSettings } from '../../core/sal-types';
import { TrainConfigSchema, type TrainConfig } from '../../core/train-config';
import { FIELD_LABELS } from '../../store/config-fields';
import { methodEps, sortMethods } from '../../store/poison-config';
import type { SharePatch, ShareState } from './share-types';

/** A read value, or why it was refused. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; why: string };
export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const bad = <T>(why: string): Parsed<T> => ({ ok: false, why });

/** Collects one notice per dropped field or part. */
export type Notify = (msg: string) => void;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A decimal number, strictly (no hex, no "Infinity", no blanks). */
export function parseNum(raw: string): Parsed<number> {
  return NUMBER.test(raw) ? ok(Number(raw)) : bad(`"${raw}" is not a number`);
}

export function parseBit(raw: string): Parsed<boolean> {
  return raw === '1' ? ok(true) : raw === '0' ? ok(false) : bad('must be 0 or 1');
}

/** Validates with zod and words the first issue. */
function check<T>(schema: z.ZodType<T>, v: unknown): Parsed<T> {
  const r = schema.safeParse(v);
  if (r.success) return ok(r.data);
  const issue = r.error.issues[0];
  return bad((issue?.message ?? 'invalid').replace(/^Invalid input: /, ''));
}

/** Parses `raw` as a number (or the enum value) and checks it against `schema`. */
export function numberIn<T>(schema: z.ZodType<T>): (raw: string) => Parsed<T> {
  return (raw) => {
    const n = parseNum(raw);
    return n.ok ? check(schema, n.value) : n;
  };
}

export const oneOf =
  <T extends string>(values: readonly T[], what: string) =>
  (raw: string): Parsed<T> =>
    (values as readonly string[]).includes(raw)
      ? ok(raw as T)
      : bad(`unknown ${what} (known: ${values.join(', ')})`);

/** Finite numbers only: a half-typed field (NaN) is left out of the link. */
export const num = (n: number): string | null => (Number.isFinite(n) ? String(n) : null);

/** A setting as the hash shows it: booleans 1 / 0, finite numbers, strings as they are. */
export const show = (v: unknown): string | null =>
  typeof v === 'boolean' ? (v ? '1' : '0') : typeof v === 'number' ? num(v) : (v as string);

const list = (xs: (string | null)[]): string => xs.map((x) => x ?? '').join(',');

const T = TrainConfigSchema.shape;
const S = SalSettingsSchema.shape;
const L = LandscapeSettingsSchema.shape;
const label = (k: keyof TrainConfig) => FIELD_LABELS[k].toLowerCase();

/** One comma-separated part of a tuple field. */
export interface Part<O> {
  key: keyof O;
  label: string;
  parse: (raw: string) => Parsed<unknown>;
}

export const SAL_PARTS: Part<SalSettings>[] = [
  { key: 'eps', label: 'SAL radius eps', parse: numberIn(S.eps) },
  { key: 'lr', label: 'SAL step size lr', parse: numberIn(S.lr) },
  { key: 'rounds', label: 'SAL rounds', parse: numberIn(S.rounds) },
  { key: 'batchSize', label: 'SAL batch', parse: numberIn(S.batchSize) },
  { key: 'subsetSize', label: 'SAL images', parse: numberIn(S.subsetSize) },
];
export const LS_PARTS: Part<LandscapeSettings>[] = [
  { key: 'grid', label: 'landscape grid', parse: numberIn(L.grid) },
  { key: 'range', label: 'landscape range', parse: numberIn(L.range) },
  { key: 'seed', label: 'landscape seed', parse: numberIn(L.seed) },
  { key: 'includeBiases', label: 'landscape biases', parse: parseBit },
  { key: 'data', label: 'landscape data', parse: (r) => check(L.data, r) },
  { key: 'limit', label: 'landscape images', parse: numberIn(L.limit) },
];
export const SIZE_PARTS: Part<TrainConfig>[] = [
  { key: 'trainSize', label: label('trainSize'), parse: numberIn(T.trainSize) },
  { key: 'testSize', label: label('testSize'), parse: numberIn(T.testSize) },
];

/** Decodes the parts of a tuple field; bad parts are dropped one by one. */
export function decodeParts<O>(
  shown: string,
  raw: string,
  parts: Part<O>[],
  notify: Notify,
): Partial<O> | undefined {
  const items = raw.split(',');
  if (items.length > parts.length)
    notify(`dropped the values beyond the first ${parts.length} of "${shown}": too many values`);
  const out: Partial<O> = {};
  parts.forEach((p, i) => {
    const item = items[i];
    if (item === undefined || item === '') return;
    const r = p.parse(item);
    if (r.ok) out[p.key] = r.value as O[keyof O];
    else notify(`dropped ${p.label} "${item}" of "${shown}": ${r.why}`);
  });
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The parts of a tuple field, comma-separated (a part that cannot be shown stays empty). */
export const encodeParts = <O>(o: O, parts: Part<O>[], head: string[] = []): string =>
  list([...head, ...parts.map((p) => show(o[p.key]))]);

export function decodeMethods(raw: string, notify: Notify): SharePatch['poison'] {
  const methods: PoisonMethodId[] = [];
  const eps: Partial<Record<PoisonMethodId, number>> = {};
  for (const item of raw === '' ? [] : raw.split(',')) {
    const [id = '', budget, ...rest] = item.split(':');
    const why = (w: string) => notify(`dropped poison "${item}" of "p=${raw}": ${w}`);
    if (!isPoisonMethodId(id)) {
      why('unknown poison method');
      continue;
    }
    if (rest.length > 0) {
      why('expected method:budget');
      continue;
    }
    if (budget !== undefined) {
      const n = parseNum(budget);
      if (!n.ok) {
        why(`budget ${n.why}`);
        continue;
      }
      // The ratio and seed here are placeholders: only the budget's issues are read.
      const r = PoisonSettingsSchema.safeParse({ method: id, eps: n.value, ratio: 1, seed: 0 });
      if (!r.success) {
        why(`bad budget: ${r.error.issues[0]?.message ?? 'invalid'}`);
        continue;
      }
      eps[id] = n.value;
    }
    methods.push(id);
  }
  return { methods: sortMethods(methods), eps };
}

/** Each toggled method with its budget (`lsp` alone when the budget cannot be shown). */
export const encodeMethods = (st: ShareState): string =>
  st.poison.methods
    .map((m) => {
      const eps = num(methodEps(st.poison, m, st.config.dataset));
      return eps === null ? m : `${m}:${eps}`;
    })
    .join(',');

/** Parameter order of each defence in `def=` (the order of its schema). */
const DEFENCE_PARAMS: Record<DefenceSettings['id'], string[]> = {
  jpeg: ['quality'],
  bitdepth: ['bits'],
  blur: ['sigma'],
  grayscale: [],
  cutout: ['size'],
  mixup: ['alpha'],
  adv: ['eps', 'steps', 'stepSize'],
};

export function decodeDefence(raw: string): Parsed<DefenceSettings | null> {
  if (raw === 'none') return ok(null);
  const [id = '', ...params] = raw.split(':');
  if (!isDefenceId(id)) return bad('unknown defence');
  const names = DEFENCE_PARAMS[id];
  if (params.length > names.length) return bad(`${id} takes ${names.length} parameter(s)`);
  const d: Record<string, unknown> = { ...defaultDefence(id) };
  for (let i = 0; i < params.length; i++) {
    const n = parseNum(params[i] ?? '');
    if (!n.ok) return bad(`${names[i]}: ${n.why}`);
    d[names[i] ?? ''] = n.value;
  }
  const r = DefenceSettingsSchema.safeParse(d);
  if (r.success) return ok(r.data);
  const issue = r.error.issues[0];
  return bad(`${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
}

export function encodeDefence(d: DefenceSettings | null): string {
  if (!d) return 'none';
  const rec = d as unknown as Record<string, number>;
  return [d.id, ...DEFENCE_PARAMS[d.id].map((k) => String(rec[k]))].join(':');
}
