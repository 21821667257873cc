/**
 * The URL-hash codec of the shareable state. Pure (no DOM): `encodeShareState` writes the hash,
 * `decodeShareState` reads one back field by field, dropping each bad field with a notice
 * naming it, and never throws.
 *
 * One table, {@link ROWS}, spells out every key once: how its value is read into a patch and
 * written from the state. Both directions loop over it, so the hash holds the keys in table
 * order (a missing key leaves that setting as it is). Commas and colons stay readable;
 * everything else is percent-encoded. How single values are parsed: `url-values.ts`.
 */
import { z } from 'zod';
import { LANDSCAPE_VIEWS } from '../../core/landscape-types';
import { PoisonSettingsSchema } from '../../core/poison-types';
import { BACKENDS, type BackendPreference } from '../../core/run-types';
import { TrainConfigSchema, type TrainConfig } from '../../core/train-config';
import type { DecodedShare, SharePatch, ShareState } from './share-types';
import {
  bad,
  decodeDefence,
  decodeMethods,
  decodeParts,
  encodeDefence,
  encodeMethods,
  encodeParts,
  LS_PARTS,
  num,
  numberIn,
  ok,
  oneOf,
  parseBit,
  SAL_PARTS,
  show,
  SIZE_PARTS,
  type Notify,
  type Parsed,
} from './url-values';

/** One key of the hash. */
interface Row {
  key: string;
  /**
   * Puts what `raw` sets into the patch. Returns why the whole field is dropped, or null when
   * it applied (tuples drop bad parts themselves, each with a notice through `notify`).
   */
  read(raw: string, patch: SharePatch, notify: Notify, shown: string): string | null;
  /** The value in the hash, or null to leave the key out. */
  write(st: ShareState): string | null;
}

/** A key holding one value: `parse` checks it, `set` puts it into the patch. */
function single<V>(
  key: string,
  parse: (raw: string) => Parsed<V>,
  set: (p: SharePatch, v: V) => void,
  write: Row['write'],
): Row {
  return {
    key,
    read: (raw, p) => {
      const r = parse(raw);
      if (!r.ok) return r.why;
      set(p, r.value);
      return null;
    },
    write,
  };
}

/** A key holding one training setting. */
const config = <K extends keyof TrainConfig>(
  key: string,
  k: K,
  parse: (raw: string) => Parsed<TrainConfig[K]>,
): Row =>
  single(
    key,
    parse,
    (p, v) => (p.config = { ...p.config, [k]: v }),
    (st) => show(st.config[k]),
  );

const T = TrainConfigSchema.shape;

/** Every key, in the order the hash writes them. */
const ROWS: Row[] = [
  config('d', 'dataset', oneOf(T.dataset.options, 'data set')), // d=mnist
  config('m', 'model', oneOf(T.model.options, 'model')), // m=cnn-s
  // n=2000,1000: training, test images
  {
    key: 'n',
    read: (raw, p, notify, shown) => {
      const sizes = decodeParts(shown, raw, SIZE_PARTS, notify);
      if (sizes) p.config = { ...p.config, ...sizes };
      return null;
    },
    write: (st) => encodeParts(st.config, SIZE_PARTS),
  },
  config('e', 'epochs', numberIn(T.epochs)), // e=4
  config('b', 'batchSize', numberIn(T.batchSize)), // b=32
  config('lr', 'lr', numberIn(T.lr)), // lr=0.05
  config('mo', 'momentum', numberIn(T.momentum)), // mo=0.9
  config('wd', 'weightDecay', numberIn(T.weightDecay)), // wd=0.0005
  config('s', 'seed', numberIn(T.seed)), // s=1: training seed
  // p=lsp:3.29,em:0.3: toggled methods with their budgets (`lsp` alone: the default budget;
  // `p=` empty: no poison)
  {
    key: 'p',
    read: (raw, p, notify) => {
      p.poison = { ...p.poison, ...decodeMethods(raw, notify) };
      return null;
    },
    write: encodeMethods,
  },
  // r=1: poison ratio (0..1)
  single(
    'r',
    numberIn(z.number().min(0).max(1)),
    (p, ratio) => (p.poison = { ...p.poison, ratio }),
    (st) => num(st.poison.ratio),
  ),
  // ps=1: poison seed
  single(
    'ps',
    numberIn(PoisonSettingsSchema.shape.seed),
    (p, seed) => (p.poison = { ...p.poison, seed }),
    (st) => num(st.poison.seed),
  ),
  // def=jpeg:75: defence and its parameters in the order of its schema (`def=none`;
  // `def=adv:0.1:3:0.05` is eps, steps, step size; missing ones: defaults)
  single(
    'def',
    decodeDefence,
    (p, d) => (p.defence = d),
    (st) => encodeDefence(st.defence),
  ),
  // sal=on,0.05,0.1,3,128,256: SAL on/off, then eps, lr, rounds, batch, images
  {
    key: 'sal',
    read: (raw, p, notify, shown) => {
      let rest = raw;
      const head = raw.split(',')[0];
      if (head === 'on' || head === 'off') {
        p.salOn = head === 'on';
        rest = raw.slice(head.length + 1);
      }
      const sal = rest === '' ? undefined : decodeParts(shown, rest, SAL_PARTS, notify);
      if (sal) p.salSettings = sal;
      return null;
    },
    write: (st) => encodeParts(st.salSettings, SAL_PARTS, [st.salOn ? 'on' : 'off']),
  },
  // ls=25,1,1,0,test,1000: landscape grid, range, seed, biases 0/1, data, images
  {
    key: 'ls',
    read: (raw, p, notify, shown) => {
      const ls = decodeParts(shown, raw, LS_PARTS, notify);
      if (ls) p.landscapeSettings = ls;
      return null;
    },
    write: (st) => encodeParts(st.landscapeSettings, LS_PARTS),
  },
  // v=surface: landscape tab
  single(
    'v',
    oneOf(LANDSCAPE_VIEWS, 'landscape view'),
    (p, v) => (p.landscapeView = v),
    (st) => st.landscapeView,
  ),
  // log=0: landscape log scale 0/1
  single(
    'log',
    parseBit,
    (p, on) => (p.landscapeLogScale = on),
    (st) => (st.landscapeLogScale ? '1' : '0'),
  ),
  // be=auto: backend override
  single(
    'be',
    oneOf<BackendPreference>(['auto', ...BACKENDS], 'backend'),
    (p, be) => (p.backendPreference = be),
    (st) => st.backendPreference,
  ),
  // lesson=<id>&step=<n>: an optional lesson and its 0-based step
  single<string>(
    'lesson',
    (raw) =>
      /^[\w.-]{1,64}$/.test(raw) ? ok(raw) : bad('a lesson id is 1-64 letters, digits, - _ .'),
    (p, id) => (p.lesson = { id, step: p.lesson?.step ?? 0 }),
    (st) => st.lesson?.id ?? null,
  ),
  {
    key: 'step',
    read: (raw, p) => {
      if (!p.lesson) return 'a step needs a lesson';
      const r = numberIn(z.number().int().min(0).max(999))(raw);
      if (!r.ok) return r.why;
      p.lesson = { id: p.lesson?.id ?? '', step: r.value };
      return null;
    },
    write: (st) => (st.lesson ? String(st.lesson.step) : null),
  },
];

const BY_KEY = new Map(ROWS.map((r) => [r.key, r]));

/** Every key the codec knows. */
export const SHARE_KEYS: readonly string[] = ROWS.map((r) => r.key);

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
    const row = BY_KEY.get(key);
    const why = row ? row.read(raw, state, notify, shown) : 'unknown field';
    if (why !== null) notify(`dropped "${shown}": ${why}`);
  }
  return { state, notices };
}

/** Percent-encodes but keeps `,` and `:` readable (they separate parts, never inside one). */
const enc = (s: string) => encodeURIComponent(s).replace(/%2C/g, ',').replace(/%3A/g, ':');

/** Writes the hash (with "#") of the whole shareable state, keys in table order. */
export function encodeShareState(st: ShareState): string {
  const out: string[] = [];
  for (const row of ROWS) {
    const v = row.write(st);
    if (v !== null) out.push(`${row.key}=${enc(v)}`);
  }
  return '#' + out.join('&');
}
