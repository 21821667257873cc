/** Flag helpers shared by the bench scripts (comma lists and integers), on the CLI's errors. */
import { parseNumberFlag, UsageError } from '../../src/cli/args';

/** A comma list of ids from `all`; `fallback` when the flag is absent. */
export function list<T extends string>(
  raw: string | undefined,
  all: readonly T[],
  flag: string,
  fallback: readonly T[],
): T[] {
  if (raw === undefined) return [...fallback];
  const out = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const s of out) {
    if (!(all as readonly string[]).includes(s)) {
      throw new UsageError(`--${flag}: unknown "${s}" (one of ${all.join(', ')})`);
    }
  }
  return out as T[];
}

/** An integer flag of at least `min`; `fallback` when absent. */
export function intFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
): number {
  if (raw === undefined) return fallback;
  const v = parseNumberFlag(flag, raw);
  if (!Number.isInteger(v) || v < min)
    throw new UsageError(`--${flag} must be an integer >= ${min}`);
  return v;
}
