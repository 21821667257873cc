/**
 * Runs the worker did not train itself (pretrained demos, runs restored from IndexedDB): their
 * checkpoints made whole, and their training set rebuilt from the seeds when a job needs it,
 * with the same steps runExperiment takes (subset, poison, data defence), so it is the same set.
 */
import type { ImageSet } from '../core/dataset';
import type { DefenceSettings } from '../core/defence-types';
import { resolvePoisonSettings, type PoisonSettings } from '../core/poison-types';
import { assertSameLayout, type WeightSnapshot } from '../core/weights';
import { applyDataDefence, type JpegCodec } from '../ml/defences';
import { initSnapshot } from '../ml/models/params';
import type { ModelSpec, SurrogateModel } from '../core/model-spec';
import { getPoison } from '../ml/poisons';

/**
 * Checkpoints of an adopted run, epoch 0 first. `given` holds epochs 0..T, or 1..T, or the
 * final weights alone; a missing epoch 0 is re-created from the seed (how runs start).
 * Throws when a snapshot does not fit the model.
 */
export function adoptedCheckpoints(
  spec: ModelSpec,
  config: { seed: number; epochs: number },
  given: readonly WeightSnapshot[],
): WeightSnapshot[] {
  const init = initSnapshot(spec, config.seed);
  for (const w of given) assertSameLayout(init, w);
  return given.length === config.epochs + 1 ? [...given] : [init, ...given];
}

/** How an adopted run's training set is made again. */
export interface RebuildRecipe {
  poison: PoisonSettings | null;
  defence: DefenceSettings | null;
}

/**
 * The training set a run trained on, from its clean subset: poisoned (TAP / SEP need the clean
 * run as `surrogate`), then data-defended. Loop defences do not change the set.
 */
export async function rebuildTrainSet(
  clean: ImageSet,
  recipe: RebuildRecipe,
  opts: {
    surrogate?: SurrogateModel;
    jpeg?: JpegCodec;
    shouldStop?: () => boolean;
    onProgress?: (fraction: number, detail: string) => void;
  } = {},
): Promise<ImageSet> {
  let set = clean;
  if (recipe.poison) {
    const settings = resolvePoisonSettings(recipe.poison);
    const r = await getPoison(settings.method).generate(clean, settings, {
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}),
      ...(opts.surrogate ? { surrogate: opts.surrogate } : {}),
    });
    set = r.poisoned;
  }
  if (recipe.defence) {
    const r = await applyDataDefence(set, recipe.defence, opts.jpeg ? { jpeg: opts.jpeg } : {});
    set = r.set;
  }
  return set;
}
