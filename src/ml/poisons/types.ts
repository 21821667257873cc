/**
 * The one interface every poisoning method implements, and the context a generation runs in
 * (progress, cancel, a clean model for TAP / SEP).
 */
import type { ImageSet } from '../../core/dataset';
import type { PoisonMethodInfo, PoisonResult, PoisonSettings } from '../../core/poison-types';
import type { SurrogateModel } from '../../core/model-spec';

/** Callbacks and inputs of one generation. */
export interface PoisonContext {
  /** Progress in [0, 1] with a short human-readable detail; called a few times a second at most. */
  onProgress?(fraction: number, detail: string): void;
  /** Polled between steps; when it returns true the generation throws CancelledError. */
  shouldStop?(): boolean;
  /** The clean model TAP and SEP attack. */
  surrogate?: SurrogateModel;
}

/** A poisoning method: static info plus a seeded generator. */
export interface PoisonMethod {
  info: PoisonMethodInfo;
  /**
   * Poisons `set` (a fraction `settings.ratio` of its images, chosen from the seed): adds the
   * perturbation, clips to [0, 1], quantises to bytes, and measures norms after quantisation.
   * Same settings and set give the same bytes. Throws CancelledError when cancelled.
   */
  generate(set: ImageSet, settings: PoisonSettings, ctx?: PoisonContext): Promise<PoisonResult>;
}
