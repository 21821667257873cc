/**
 * Plumbing shared by the methods: settings check, the seeded mask, throttled progress with
 * cancellation, and the add-clip-quantise finish that builds a PoisonResult.
 */
import type { ImageSet } from '../../core/dataset';
import {
  POISON_METHODS,
  resolvePoisonSettings,
  type PoisonMethodId,
  type PoisonReport,
  type PoisonResult,
  type PoisonSettings,
  type ResolvedPoisonSettings,
} from '../../core/poison-types';
import {
  addClipQuantise,
  addClipQuantiseL2,
  addClipQuantiseLinf,
  byteDelta,
  perturbationNorms,
  poisonMask,
} from '../../core/perturbation';
import { CancelledError } from '../train/train-loop';
import type { PoisonContext, PoisonMethod } from './types';

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Throttled progress plus cancellation: `tick` checks shouldStop and yields to events. */
export class Ticker {
  private lastReport = -Infinity;
  private lastYield = now();

  constructor(
    private readonly ctx: PoisonContext,
    private readonly progressMs = 100,
  ) {}

  /** Throws CancelledError if the caller asked to stop. */
  check(): void {
    if (this.ctx.shouldStop?.()) throw new CancelledError();
  }

  /**
   * Reports progress (at most every progressMs unless `force`), checks for cancel, and lets
   * queued messages through every ~40 ms so a worker can receive its cancel.
   */
  async tick(fraction: number, detail: string, force = false): Promise<void> {
    this.check();
    const t = now();
    if (this.ctx.onProgress && (force || t - this.lastReport >= this.progressMs)) {
      this.lastReport = t;
      this.ctx.onProgress(Math.min(1, Math.max(0, fraction)), detail);
    }
    if (t - this.lastYield > 40) {
      this.lastYield = t;
      await new Promise<void>((r) => setTimeout(r, 0));
      this.check();
    }
  }
}

/** Everything a method's body gets: resolved settings, the mask, sizes, progress. */
export interface RunState {
  set: ImageSet;
  s: ResolvedPoisonSettings;
  mask: Uint8Array;
  /** Values per image: height * width * channels. */
  stride: number;
  ctx: PoisonContext;
  ticker: Ticker;
  t0: number;
}

/** Builds a PoisonMethod from its id and a body that returns the finished result. */
export function defineMethod(
  id: PoisonMethodId,
  body: (st: RunState) => Promise<PoisonResult>,
): PoisonMethod {
  const info = POISON_METHODS[id];
  return {
    info,
    async generate(set: ImageSet, settings: PoisonSettings, ctx: PoisonContext = {}) {
      const s = resolvePoisonSettings(settings);
      if (s.method !== id) {
        throw new Error(`the ${id} generator was given settings for method "${s.method}"`);
      }
      const stride = set.height * set.width * set.channels;
      if (set.count < 1) throw new Error(`${id}: the training set is empty`);
      if (set.images.length !== set.count * stride || set.labels.length !== set.count) {
        throw new Error(`${id}: image bytes or labels do not match count ${set.count}`);
      }
      const t0 = now();
      const ticker = new Ticker(ctx);
      ticker.check();
      await ticker.tick(0, `${info.name}: starting`, true);
      const st: RunState = {
        set,
        s,
        mask: poisonMask(set.count, s.ratio, s.seed),
        stride,
        ctx,
        ticker,
        t0,
      };
      const result = await body(st);
      await ticker.tick(1, `${info.name}: done`, true);
      return result;
    },
  };
}

/**
 * Finishes an additive method: for every masked image i, poisoned = quantise(clip(clean +
 * deltaOf(i))) under the method's norm ('linf' clamps bytes to floor(eps*255), 'l2' projects
 * after rounding, anything else only clips). Unmasked images stay clean.
 */
export async function finishAdditive(
  st: RunState,
  norm: 'linf' | 'l2' | 'none',
  deltaOf: (i: number) => ArrayLike<number>,
  report: PoisonReport,
): Promise<PoisonResult> {
  const { set, mask, stride, s } = st;
  const out = set.images.slice();
  for (let i = 0; i < set.count; i++) {
    if (mask[i] !== 1) continue;
    const clean = set.images.subarray(i * stride, (i + 1) * stride);
    const dst = out.subarray(i * stride, (i + 1) * stride);
    const d = deltaOf(i);
    if (norm === 'linf') addClipQuantiseLinf(clean, d, s.eps, dst);
    else if (norm === 'l2') addClipQuantiseL2(clean, d, s.eps, dst);
    else addClipQuantise(clean, d, dst);
    if (i % 256 === 255) await st.ticker.tick(0.95 + (0.05 * i) / set.count, 'quantising');
  }
  return finishBytes(st, out, report);
}

/** Builds the result from the final poisoned bytes (all images; unmasked ones must be clean). */
export function finishBytes(st: RunState, images: Uint8Array, report: PoisonReport): PoisonResult {
  const { set, mask, stride, s } = st;
  const perturbation = byteDelta(set.images, images);
  const info = POISON_METHODS[s.method];
  return {
    poisoned: { ...set, images, labels: set.labels.slice(), classNames: [...set.classNames] },
    perturbation,
    poisonedMask: mask,
    norms: perturbationNorms(perturbation, stride, mask),
    settings: s,
    seconds: (now() - st.t0) / 1000,
    ...(info.reduced !== undefined ? { reduced: info.reduced } : {}),
    report,
  };
}
