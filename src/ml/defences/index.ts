/**
 * Defences in one place: the data defences rewrite the (possibly poisoned) training set before
 * training, the loop defences become the training loop's batch transform. Deterministic: every
 * random choice comes from the run seed.
 */
import type { ImageSet } from '../../core/dataset';
import { DEFENCES, type DefenceSettings } from '../../core/defence-types';
import type { ModelSpec } from '../../core/model-spec';
import type { BatchTransform } from '../train/train-loop';
import { advTransform } from './adv';
import { reduceBitDepth } from './bitdepth';
import { gaussianBlur } from './blur';
import { cutoutTransform } from './cutout';
import { toGrayscale } from './grayscale';
import { jpegRoundTrip, type JpegCodec } from './jpeg';
import { mixupTransform } from './mixup';

export type { JpegCodec };

/** What a data defence needs from its host (the JPEG codec of Node or of the browser). */
export interface DefenceEnv {
  jpeg?: JpegCodec;
}

/** The defended copy of `set` for a data defence (the same set for a loop defence). */
export async function applyDataDefence(
  set: ImageSet,
  d: DefenceSettings,
  env: DefenceEnv = {},
): Promise<{ set: ImageSet; note: string | null }> {
  switch (d.id) {
    case 'jpeg':
      if (!env.jpeg) throw new Error('JPEG re-encoding needs a JPEG codec, and none was given');
      return { set: await jpegRoundTrip(set, d.quality, env.jpeg), note: null };
    case 'bitdepth':
      return { set: reduceBitDepth(set, d.bits), note: null };
    case 'blur':
      return { set: gaussianBlur(set, d.sigma), note: null };
    case 'grayscale':
      return toGrayscale(set);
    case 'cutout':
    case 'mixup':
    case 'adv':
      return { set, note: null };
  }
}

/** The training loop's batch transform for a loop defence; null for a data defence. */
export function loopDefence(
  d: DefenceSettings,
  spec: ModelSpec,
  seed: number,
): BatchTransform | null {
  switch (d.id) {
    case 'cutout':
      return cutoutTransform(d.size, seed);
    case 'mixup':
      return mixupTransform(d.alpha, seed);
    case 'adv':
      return advTransform(spec, d);
    default:
      if (DEFENCES[d.id].kind !== 'data') throw new Error(`defence ${d.id} has no loop transform`);
      return null;
  }
}
