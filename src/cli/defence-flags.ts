/**
 * Defence flags of `salscape train`: `--defence ID` and each defence's own parameter flag,
 * checked with a message that names the flag. No TensorFlow.js here.
 */
import {
  DEFENCE_IDS,
  DEFENCES,
  DefenceSettingsSchema,
  defaultDefence,
  isDefenceId,
  type DefenceId,
  type DefenceSettings,
} from '../core/defence-types';
import { parseNumberFlag, UsageError, type FlagTable } from './args';

/** The flag table (merged into train's). */
export const DEFENCE_FLAGS = {
  defence: {
    type: 'string',
    value: 'ID',
    help: `defend the (possibly poisoned) training: ${DEFENCE_IDS.join(', ')}`,
  },
  'jpeg-quality': { type: 'string', value: 'Q', help: 'jpeg: quality 1..100 (default 10)' },
  bits: { type: 'string', value: 'B', help: 'bitdepth: bits per value 1..8 (default 2)' },
  'blur-sigma': { type: 'string', value: 'S', help: 'blur: Gaussian sigma in px (default 1)' },
  cutout: { type: 'string', value: 'N', help: 'cutout: square side in px (default 8)' },
  'mixup-alpha': { type: 'string', value: 'A', help: 'mixup: Beta(A, A) (default 1)' },
  'adv-eps': { type: 'string', value: 'E', help: 'adv: L-inf budget, 0..1 (default 0.1)' },
  'adv-steps': { type: 'string', value: 'K', help: 'adv: PGD steps of eps/2 (default 3)' },
} as const satisfies FlagTable;

type ParamFlag = Exclude<keyof typeof DEFENCE_FLAGS, 'defence'>;

/** Which defence each parameter flag belongs to, the field it sets and its rule in words. */
const PARAMS: Record<ParamFlag, { id: DefenceId; key: string; rule: string; int: boolean }> = {
  'jpeg-quality': { id: 'jpeg', key: 'quality', rule: 'an integer from 1 to 100', int: true },
  bits: { id: 'bitdepth', key: 'bits', rule: 'an integer from 1 to 8', int: true },
  'blur-sigma': { id: 'blur', key: 'sigma', rule: 'a number above 0, at most 10', int: false },
  cutout: { id: 'cutout', key: 'size', rule: 'an integer from 1 to 256', int: true },
  'mixup-alpha': { id: 'mixup', key: 'alpha', rule: 'a number above 0, at most 100', int: false },
  'adv-eps': { id: 'adv', key: 'eps', rule: 'a number above 0, at most 1', int: false },
  'adv-steps': { id: 'adv', key: 'steps', rule: 'an integer from 1 to 50', int: true },
};

/** The checked defence from flag texts, or null without --defence. */
export function defenceFromFlags(
  values: Partial<Record<keyof typeof DEFENCE_FLAGS, string>>,
): DefenceSettings | null {
  const given = (Object.keys(PARAMS) as ParamFlag[]).filter((f) => values[f] !== undefined);
  const raw = values.defence;
  if (raw === undefined) {
    const f = given[0];
    if (f)
      throw new UsageError(`--${f} is a ${PARAMS[f].id} setting: add --defence ${PARAMS[f].id}`);
    return null;
  }
  if (!isDefenceId(raw))
    throw new UsageError(`--defence must be one of ${DEFENCE_IDS.join(', ')} (got "${raw}")`);
  const out: Record<string, unknown> = { ...defaultDefence(raw) };
  for (const f of given) {
    const p = PARAMS[f];
    if (p.id !== raw)
      throw new UsageError(`--${f} is a ${p.id} setting, not one of --defence ${raw}`);
    const text = values[f]!;
    const v = parseNumberFlag(f, text);
    out[p.key] = v;
    const probe = DefenceSettingsSchema.safeParse(out);
    if (!probe.success && probe.error.issues.some((i) => i.path[0] === p.key))
      throw new UsageError(`--${f} must be ${p.rule} (got "${text}")`);
    if (p.int && !Number.isInteger(v))
      throw new UsageError(`--${f} must be ${p.rule} (got "${text}")`);
  }
  if (raw === 'adv') out.stepSize = (out.eps as number) / 2;
  const r = DefenceSettingsSchema.safeParse(out);
  if (!r.success)
    throw new UsageError(`--defence ${raw}: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

/** One line per defence for usage texts. */
export function defenceTable(): string {
  const w = Math.max(...DEFENCE_IDS.map((id) => id.length));
  return DEFENCE_IDS.map((id) => {
    const d = DEFENCES[id];
    return `  ${id.padEnd(w)}  ${d.kind === 'data' ? 'data' : 'loop'}  ${d.name}${d.costly ? ' (costly)' : ''}: ${d.description}`;
  }).join('\n');
}

/**
 * The defences of `salscape benchmark --defences none,jpeg,...`: null for `none`, else each
 * defence with the parameter flags that belong to it (checked as for `--defence`). UsageError
 * naming --defences for an unknown or repeated id, or naming a parameter flag whose defence is
 * not in the list.
 */
export function defenceListFromFlags(
  raw: string,
  values: Partial<Record<ParamFlag, string>>,
): (DefenceSettings | null)[] {
  const ids = raw.split(',').map((s) => s.trim());
  const seen = new Set<string>();
  for (const id of ids) {
    if (id !== 'none' && !isDefenceId(id))
      throw new UsageError(
        `--defences takes none and ${DEFENCE_IDS.join(', ')}, comma-separated (got "${id}")`,
      );
    if (seen.has(id)) throw new UsageError(`--defences names ${id} twice`);
    seen.add(id);
  }
  for (const f of Object.keys(PARAMS) as ParamFlag[]) {
    if (values[f] !== undefined && !seen.has(PARAMS[f].id))
      throw new UsageError(
        `--${f} is a ${PARAMS[f].id} setting: add ${PARAMS[f].id} to --defences`,
      );
  }
  return ids.map((id) => {
    if (id === 'none') return null;
    const own = (Object.keys(PARAMS) as ParamFlag[]).filter((f) => PARAMS[f].id === id);
    return defenceFromFlags({ defence: id, ...Object.fromEntries(own.map((f) => [f, values[f]])) });
  });
}
