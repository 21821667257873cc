/**
 * The training set a run trains on, from its clean subset: poisoned where asked, then rewritten
 * by a data defence where asked (loop defences leave the set alone). runExperiment and the
 * worker's adopted runs both take these steps here, so a rebuilt set is the same set; the
 * subset itself comes first, from selectRunData (train/run-training.ts), in both.
 */
import type { ImageSet } from '../../core/dataset';
import { describeDefence, type DefenceSettings } from '../../core/defence-types';
import {
  poisonSummary,
  type DefenceSummary,
  type GallerySample,
  type PoisonSummary,
} from '../../core/experiment-types';
import type { SurrogateModel } from '../../core/model-spec';
import { resolvePoisonSettings, type PoisonSettings } from '../../core/poison-types';
import { applyDataDefence, type JpegCodec } from '../defences';
import { getPoison } from '../poisons';

/** What is done to the clean subset: an optional poison, then an optional defence. */
export interface TrainSetRecipe {
  poison: PoisonSettings | null;
  defence?: DefenceSettings | null;
}

/** Progress and results of the steps; the gallery is only made when `onPoison` is given. */
export interface TrainSetHooks {
  onPoisonProgress?: (fraction: number, detail: string) => void;
  onPoison?: (summary: PoisonSummary, gallery: GallerySample) => void;
  onDefence?: (summary: DefenceSummary) => void;
  shouldStop?: () => boolean;
}

/** The prepared set and what each step did (null for a step not taken). */
export interface PreparedTrainSet {
  set: ImageSet;
  poison: PoisonSummary | null;
  defence: DefenceSummary | null;
}

/**
 * Poisons `clean` (TAP and SEP attack `opts.surrogate`, a trained clean model; EM and REM
 * train their own), then applies a data defence. Throws CancelledError when stopped.
 */
export async function prepareTrainSet(
  clean: ImageSet,
  recipe: TrainSetRecipe,
  hooks: TrainSetHooks = {},
  opts: { surrogate?: SurrogateModel; jpeg?: JpegCodec } = {},
): Promise<PreparedTrainSet> {
  let set = clean;
  let poison: PoisonSummary | null = null;
  if (recipe.poison) {
    const settings = resolvePoisonSettings(recipe.poison);
    const method = getPoison(settings.method);
    if ((settings.method === 'tap' || settings.method === 'sep') && !opts.surrogate)
      throw new Error(
        `${method.info.name} attacks a trained clean model: train the clean run first, then this poison.`,
      );
    const r = await method.generate(clean, settings, {
      ...(hooks.onPoisonProgress ? { onProgress: hooks.onPoisonProgress } : {}),
      ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
      ...(opts.surrogate ? { surrogate: opts.surrogate } : {}),
    });
    set = r.poisoned;
    poison = poisonSummary(r);
    hooks.onPoison?.(poison, gallerySample(clean, r.poisoned, r.perturbation, r.poisonedMask));
  }
  let defence: DefenceSummary | null = null;
  if (recipe.defence) {
    const t0 = performance.now();
    const r = await applyDataDefence(set, recipe.defence, opts.jpeg ? { jpeg: opts.jpeg } : {});
    set = r.set;
    defence = {
      settings: recipe.defence,
      label: describeDefence(recipe.defence),
      note: r.note,
      seconds: (performance.now() - t0) / 1000,
    };
    hooks.onDefence?.(defence);
  }
  return { set, poison, defence };
}

/** Up to `perClass` poisoned images per class, for the gallery. */
export function gallerySample(
  clean: ImageSet,
  poisoned: ImageSet,
  perturbation: Float32Array,
  mask: Uint8Array,
  perClass = 2,
): GallerySample {
  const per = clean.height * clean.width * clean.channels;
  const taken = new Array<number>(clean.numClasses).fill(0);
  const idx: number[] = [];
  for (let i = 0; i < clean.count; i++) {
    const c = clean.labels[i] ?? 0;
    if (mask[i] && (taken[c] ?? 0) < perClass) {
      taken[c] = (taken[c] ?? 0) + 1;
      idx.push(i);
    }
  }
  idx.sort((a, b) => (clean.labels[a] ?? 0) - (clean.labels[b] ?? 0));
  const pick = <T extends Uint8Array | Float32Array>(src: T, make: (n: number) => T): T => {
    const out = make(idx.length * per);
    idx.forEach((i, k) => out.set(src.subarray(i * per, (i + 1) * per), k * per));
    return out;
  };
  return {
    original: pick(clean.images, (n) => new Uint8Array(n)),
    poisoned: pick(poisoned.images, (n) => new Uint8Array(n)),
    perturbation: pick(perturbation, (n) => new Float32Array(n)),
    labels: Uint8Array.from(idx.map((i) => clean.labels[i] ?? 0)),
    count: idx.length,
    height: clean.height,
    width: clean.width,
    channels: clean.channels,
    classNames: clean.classNames,
  };
}
