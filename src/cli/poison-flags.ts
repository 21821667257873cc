/**
 * Poison settings from flags, shared by `salscape poison` (`--method`, `--seed`) and
 * `salscape train` (`--poison`, `--poison-seed`): method id, budget (a number or a fraction such
 * as `8/255`), ratio (a fraction or a percentage) and seed, each checked with a message that
 * names the flag. No TensorFlow.js here, so a bad command line fails fast.
 */
import type { DatasetId } from '../core/dataset';
import {
  POISON_METHOD_IDS,
  POISON_METHODS,
  isPoisonMethodId,
  resolvePoisonSettings,
  type PoisonMethodId,
  type PoisonSettings,
} from '../core/poison-types';
import { parseNumberFlag, UsageError } from './args';

/** One line per method for usage texts: id, norm, default budget per data set, name. */
export function methodTable(): string {
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4).replace(/0+$/, ''));
  const rows = POISON_METHOD_IDS.map((id) => {
    const m = POISON_METHODS[id];
    const eps = `${m.norm} ${fmt(m.defaultEps.mnist)}${
      m.defaultEps.fashion === m.defaultEps.mnist ? '' : ` / fashion ${fmt(m.defaultEps.fashion)}`
    }`;
    const extra = m.needsCleanModel ? ', needs a trained clean model' : '';
    return [id, eps, `${m.name}${extra}`] as const;
  });
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`).join('\n');
}

/** A budget from `0.3`, `8/255` or `1e-1`; UsageError naming the flag otherwise. */
export function parseEpsFlag(flag: string, raw: string): number {
  const m = /^\s*([^/]+)\/([^/]+)\s*$/.exec(raw);
  if (!m) return parseNumberFlag(flag, raw);
  const num = parseNumberFlag(flag, m[1]!);
  const den = parseNumberFlag(flag, m[2]!);
  if (den === 0) throw new UsageError(`--${flag} divides by zero (got "${raw}")`);
  return num / den;
}

/** A ratio from `0.5` or `50%`, in [0, 1]; UsageError naming the flag otherwise. */
export function parseRatioFlag(flag: string, raw: string): number {
  const pct = /^\s*(.+?)\s*%\s*$/.exec(raw);
  const v = pct ? parseNumberFlag(flag, pct[1]!) / 100 : parseNumberFlag(flag, raw);
  if (!(v >= 0 && v <= 1)) {
    throw new UsageError(
      `--${flag} must be a fraction from 0 to 1 or a percentage from 0% to 100% (got "${raw}")`,
    );
  }
  return v;
}

/** The method id from a flag's text; UsageError listing the ids otherwise. */
export function parseMethodFlag(flag: string, raw: string): PoisonMethodId {
  if (!isPoisonMethodId(raw)) {
    throw new UsageError(`--${flag} must be one of ${POISON_METHOD_IDS.join(', ')} (got "${raw}")`);
  }
  return raw;
}

/** Raw flag texts of one poison and the flag names they came from (for messages). */
export interface PoisonFlagInput {
  method: { flag: string; raw: string };
  eps?: { flag: string; raw: string };
  ratio?: { flag: string; raw: string };
  seed: { flag: string; value: number };
}

/**
 * Checked PoisonSettings: the method's default budget for `dataset` unless eps is given, ratio 1
 * unless given. Every range problem is a UsageError naming its flag.
 */
export function poisonSettingsFromFlags(
  input: PoisonFlagInput,
  dataset: DatasetId,
): PoisonSettings {
  const method = parseMethodFlag(input.method.flag, input.method.raw);
  const info = POISON_METHODS[method];
  const eps = input.eps ? parseEpsFlag(input.eps.flag, input.eps.raw) : info.defaultEps[dataset];
  const epsFlag = `--${input.eps?.flag ?? 'eps'}`;
  const got = input.eps ? ` (got "${input.eps.raw}")` : '';
  if (!(eps >= 0)) throw new UsageError(`${epsFlag} must be >= 0${got}`);
  if (info.norm === 'linf' && eps > 1) {
    throw new UsageError(
      `${epsFlag} of ${method} is an L-inf budget on images in [0, 1], so at most 1${got}`,
    );
  }
  if (info.norm === 'l0' && (!Number.isInteger(eps) || eps < 1)) {
    throw new UsageError(`${epsFlag} of ${method} counts pixels: a whole number >= 1${got}`);
  }
  if (eps > 1000) throw new UsageError(`${epsFlag} must be at most 1000${got}`);
  const ratio = input.ratio ? parseRatioFlag(input.ratio.flag, input.ratio.raw) : 1;
  const seed = input.seed.value;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) {
    throw new UsageError(
      `--${input.seed.flag} must be an integer from 0 to 2147483647 (got ${seed})`,
    );
  }
  const settings: PoisonSettings = { method, eps, ratio, seed };
  try {
    resolvePoisonSettings(settings);
  } catch (e) {
    throw new UsageError(`poison settings: ${(e as Error).message}`);
  }
  return settings;
}
