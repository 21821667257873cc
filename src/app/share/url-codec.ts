/**
 * The URL-hash codec of the shareable state. Pure (no DOM): `encodeShareState` writes the hash,
 * `decodeShareState` reads one back field by field, dropping each bad field with a notice
 * naming it, and never throws.
 *
 * The hash, keys in this order (a missing key leaves that setting as it is):
 *   d=mnist            data set                     m=cnn-s        model
 *   n=2000,1000        training, test images        e=4            epochs
 *   b=32               batch size                   lr=0.05        learning rate
 *   mo=0.9             momentum                     wd=0.0005      weight decay
 *   s=1                training seed
 *   p=lsp:3.29,em:0.3  toggled poison methods with their budgets (`lsp` alone: the default
 *                      budget; `p=` empty: no poison)
 *   r=1                poison ratio (0..1)           ps=1           poison seed
 *   def=jpeg:75        defence and its parameters in the order of its schema (`def=none`;
 *                      `def=adv:0.1:3:0.05` is eps, steps, step size; missing ones: defaults)
 *   sal=on,0.05,0.1,3,128,256   SAL on/off, then eps, lr, rounds, batch, images
 *   ls=25,1,1,0,test,1000       landscape grid, range, seed, biases 0/1, data, images
 *   v=surface          landscape tab                log=0          landscape log scale 0/1
 *   be=auto            backend override
 *   lesson=<id>&step=<n>        an optional lesson and its 0-based step
 * Commas and colons stay readable; everything else is percent-encoded.
 */
import { z } from 'zod';
import {
  DefenceSettingsSchema,
  defaultDefence,
  isDefenceId,
  type DefenceSettings,
} from '../../core/defence-types';
import {
  LANDSCAPE_VIEWS,
  LandscapeSettingsSchema,
  type LandscapeSettings,
  type LandscapeView,
} from '../../core/landscape-types';
import {
  isPoisonMethodId,
  PoisonSettingsSchema,
  type PoisonMethodId,
} from '../../core/poison-types';
import { BACKENDS, type BackendPreference } from '../../core/run-types';
import { SalSettingsSchema, type SalSettings } from '../../core/sal-types';
import { TrainConfigSchema, type TrainConfig } from '../../core/train-config';
import { FIELD_LABELS } from '../../store/config-fields';
import { methodEps, sortMethods } from '../../store/poison-config';
import type { DecodedShare, SharePatch, ShareState } from './share-types';

type Parsed<T> = { ok: true; value: T } | { ok: false; why: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(why: string): Parsed<T> => ({ ok: false, why });

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A decimal number, strictly (no hex, no "Infinity", no blanks). */
function parseNum(raw: string): Parsed<number> {
  return NUMBER.test(raw) ? ok(Number(raw)) : bad(`"${raw}" is not a number`);
}

function parseBit(raw: string): Parsed<boolean> {
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
function numberIn<T>(schema: z.ZodType<T>): (raw: string) => Parsed<T> {
  return (raw) => {
    const n = parseNum(raw);
    return n.ok ? check(schema, n.value) : n;
  };
}
const oneOf =
  <T extends string>(values: readonly T[], what: string) =>
  (raw: string): Parsed<T> =>
    (values as readonly string[]).includes(raw)
      ? ok(raw as T)
      : bad(`unknown ${what} (known: ${values.join(', ')})`);

const T = TrainConfigSchema.shape;
const S = SalSettingsSchema.shape;
const L = LandscapeSettingsSchema.shape;
const label = (k: keyof TrainConfig) => FIELD_LABELS[k].toLowerCase();

/** One comma-separated part of a tuple field. */
interface Part<O> {
  key: keyof O;
  label: string;
  parse: (raw: string) => Parsed<unknown>;
}

const SAL_PARTS: Part<SalSettings>[] = [
  { key: 'eps', label: 'SAL radius eps', parse: numberIn(S.eps) },
  { key: 'lr', label: 'SAL step size lr', parse: numberIn(S.lr) },
  { key: 'rounds', label: 'SAL rounds', parse: numberIn(S.rounds) },
  { key: 'batchSize', label: 'SAL batch', parse: numberIn(S.batchSize) },
  { key: 'subsetSize', label: 'SAL images', parse: numberIn(S.subsetSize) },
];
const LS_PARTS: Part<LandscapeSettings>[] = [
  { key: 'grid', label: 'landscape grid', parse: numberIn(L.grid) },
  { key: 'range', label: 'landscape range', parse: numberIn(L.range) },
  { key: 'seed', label: 'landscape seed', parse: numberIn(L.seed) },
  { key: 'includeBiases', label: 'landscape biases', parse: parseBit },
  { key: 'data', label: 'landscape data', parse: (r) => check(L.data, r) },
  { key: 'limit', label: 'landscape images', parse: numberIn(L.limit) },
];
const SIZE_PARTS: Part<TrainConfig>[] = [
  { key: 'trainSize', label: label('trainSize'), parse: numberIn(T.trainSize) },
  { key: 'testSize', label: label('testSize'), parse: numberIn(T.testSize) },
];

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

type Notify = (msg: string) => void;

/** Decodes the parts of a tuple field; bad parts are dropped one by one. */
function decodeParts<O>(
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

function decodeMethods(raw: string, notify: Notify): SharePatch['poison'] {
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

function decodeDefence(raw: string): Parsed<DefenceSettings | null> {
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

/** Decoders of the single-valued fields: each sets one thing of the patch. */
const SIMPLE: Record<string, (raw: string, p: SharePatch) => Parsed<unknown>> = {};
function configField<K extends keyof TrainConfig>(
  key: string,
  k: K,
  parse: (r: string) => Parsed<TrainConfig[K]>,
) {
  SIMPLE[key] = (raw, p) => {
    const r = parse(raw);
    if (r.ok) p.config = { ...p.config, [k]: r.value };
    return r;
  };
}
configField('d', 'dataset', (r) => oneOf(T.dataset.options, 'data set')(r));
configField('m', 'model', (r) => oneOf(T.model.options, 'model')(r));
configField('e', 'epochs', numberIn(T.epochs));
configField('b', 'batchSize', numberIn(T.batchSize));
configField('lr', 'lr', numberIn(T.lr));
configField('mo', 'momentum', numberIn(T.momentum));
configField('wd', 'weightDecay', numberIn(T.weightDecay));
configField('s', 'seed', numberIn(T.seed));
SIMPLE.r = (raw, p) => {
  const r = numberIn(z.number().min(0).max(1))(raw);
  if (r.ok) p.poison = { ...p.poison, ratio: r.value };
  return r;
};
SIMPLE.ps = (raw, p) => {
  const r = numberIn(PoisonSettingsSchema.shape.seed)(raw);
  if (r.ok) p.poison = { ...p.poison, seed: r.value };
  return r;
};
SIMPLE.def = (raw, p) => {
  const r = decodeDefence(raw);
  if (r.ok) p.defence = r.value;
  return r;
};
SIMPLE.v = (raw, p) => {
  const r = oneOf<LandscapeView>(LANDSCAPE_VIEWS, 'landscape view')(raw);
  if (r.ok) p.landscapeView = r.value;
  return r;
};
SIMPLE.log = (raw, p) => {
  const r = parseBit(raw);
  if (r.ok) p.landscapeLogScale = r.value;
  return r;
};
SIMPLE.be = (raw, p) => {
  const r = oneOf<BackendPreference>(['auto', ...BACKENDS], 'backend')(raw);
  if (r.ok) p.backendPreference = r.value;
  return r;
};
SIMPLE.lesson = (raw, p) => {
  if (!/^[\w.-]{1,64}$/.test(raw)) return bad('a lesson id is 1-64 letters, digits, - _ .');
  p.lesson = { id: raw, step: p.lesson?.step ?? 0 };
  return ok(raw);
};
SIMPLE.step = (raw, p) => {
  const r = numberIn(z.number().int().min(0).max(999))(raw);
  if (r.ok) p.lesson = { id: p.lesson?.id ?? '', step: r.value };
  return r;
};

/** Every key the codec knows. */
export const SHARE_KEYS = [...Object.keys(SIMPLE), 'n', 'p', 'sal', 'ls'] as const;

/**
 * Reads a hash ("#d=mnist&lr=0.05", with or without "#"). Unknown, repeated, malformed or
 * out-of-range fields are dropped, each with a notice naming it; the rest applies. Never throws.
 */
export function decodeShareState(hash: string): DecodedShare {
  const notices: string[] = [];
  const notify: Notify = (m) => notices.push(m);
  const state: SharePatch = {};
  const seen = new Set<string>();
  const body = hash.replace(/^#/, '');
  // `step` may come before `lesson`; handle it last so it finds the id.
  const pairs = body === '' ? [] : body.split('&').filter((x) => x !== '');
  pairs.sort((a, b) => Number(a.startsWith('step=')) - Number(b.startsWith('step=')));
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    let key: string;
    let raw: string;
    try {
      key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      raw = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
    } catch {
      notify(`dropped "${pair}": malformed percent-encoding`);
      continue;
    }
    const shown = `${key}=${raw}`;
    if (eq < 0) {
      notify(`dropped "${key}": no value`);
      continue;
    }
    if (seen.has(key)) {
      notify(`dropped "${shown}": repeated field (the first one applies)`);
      continue;
    }
    seen.add(key);
    if (key === 'n') {
      const sizes = decodeParts(shown, raw, SIZE_PARTS, notify);
      if (sizes) state.config = { ...state.config, ...sizes };
    } else if (key === 'p') {
      state.poison = { ...state.poison, ...decodeMethods(raw, notify) };
    } else if (key === 'sal') {
      let rest = raw;
      const head = raw.split(',')[0];
      if (head === 'on' || head === 'off') {
        state.salOn = head === 'on';
        rest = raw.slice(head.length + 1);
      }
      const sal = rest === '' ? undefined : decodeParts(shown, rest, SAL_PARTS, notify);
      if (sal) state.salSettings = sal;
    } else if (key === 'ls') {
      const ls = decodeParts(shown, raw, LS_PARTS, notify);
      if (ls) state.landscapeSettings = ls;
    } else {
      const decode = SIMPLE[key];
      if (!decode) {
        notify(`dropped "${shown}": unknown field`);
        continue;
      }
      if (key === 'step' && !state.lesson) {
        notify(`dropped "${shown}": a step needs a lesson`);
        continue;
      }
      const r = decode(raw, state);
      if (!r.ok) notify(`dropped "${shown}": ${r.why}`);
    }
  }
  return { state, notices };
}

/** Percent-encodes but keeps `,` and `:` readable (they separate parts, never inside one). */
const enc = (s: string) => encodeURIComponent(s).replace(/%2C/g, ',').replace(/%3A/g, ':');
/** Finite numbers only: a half-typed field (NaN) is left out of the link. */
const num = (n: number): string | null => (Number.isFinite(n) ? String(n) : null);
const list = (xs: (string | null)[]): string => xs.map((x) => x ?? '').join(',');

/** Writes the hash (with "#") of the whole shareable state; see the format at the top. */
export function encodeShareState(st: ShareState): string {
  const c = st.config;
  const out: [string, string | null][] = [
    ['d', c.dataset],
    ['m', c.model],
    ['n', list([num(c.trainSize), num(c.testSize)])],
    ['e', num(c.epochs)],
    ['b', num(c.batchSize)],
    ['lr', num(c.lr)],
    ['mo', num(c.momentum)],
    ['wd', num(c.weightDecay)],
    ['s', num(c.seed)],
    [
      'p',
      st.poison.methods
        .map((m) => {
          const eps = num(methodEps(st.poison, m, c.dataset));
          return eps === null ? m : `${m}:${eps}`;
        })
        .join(','),
    ],
    ['r', num(st.poison.ratio)],
    ['ps', num(st.poison.seed)],
    ['def', encodeDefence(st.defence)],
    [
      'sal',
      list([
        st.salOn ? 'on' : 'off',
        ...SAL_PARTS.map((p) => num(st.salSettings[p.key] as number)),
      ]),
    ],
    ['ls', encodeLandscape(st.landscapeSettings)],
    ['v', st.landscapeView],
    ['log', st.landscapeLogScale ? '1' : '0'],
    ['be', st.backendPreference],
  ];
  if (st.lesson) out.push(['lesson', st.lesson.id], ['step', String(st.lesson.step)]);
  return (
    '#' +
    out
      .filter((kv): kv is [string, string] => kv[1] !== null)
      .map(([k, v]) => `${k}=${enc(v)}`)
      .join('&')
  );
}

function encodeDefence(d: DefenceSettings | null): string {
  if (!d) return 'none';
  const rec = d as unknown as Record<string, number>;
  return [d.id, ...DEFENCE_PARAMS[d.id].map((k) => String(rec[k]))].join(':');
}

function encodeLandscape(l: LandscapeSettings): string {
  return list(
    LS_PARTS.map((p) => {
      const v = l[p.key];
      return typeof v === 'boolean' ? (v ? '1' : '0') : typeof v === 'number' ? num(v) : v;
    }),
  );
}
