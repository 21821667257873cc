/** The registry of poisoning methods: id -> implementation (one file per method). */
import type { PoisonMethodId } from '../../core/poison-types';
import { ar } from './ar';
import { cuda } from './cuda';
import { em } from './em';
import { emClass } from './em-class';
import { lsp } from './lsp';
import { ops } from './ops';
import { randomNoise } from './random';
import { randomClassNoise } from './random-class';
import { rem } from './rem';
import { sep } from './sep';
import { tap } from './tap';
import type { PoisonMethod } from './types';

export type { PoisonContext, PoisonMethod } from './types';

/** Every method, keyed by its id. */
export const POISONS: Record<PoisonMethodId, PoisonMethod> = {
  random: randomNoise,
  'random-class': randomClassNoise,
  lsp,
  ar,
  ops,
  cuda,
  em,
  'em-class': emClass,
  tap,
  sep,
  rem,
};

/** The implementation of method `id`. */
export function getPoison(id: PoisonMethodId): PoisonMethod {
  return POISONS[id];
}
