/**
 * Defences against unlearnable examples as plain data: ids, a settings schema with defaults and
 * metadata. 'data' defences rewrite the (possibly poisoned) training set before training;
 * 'loop' defences change each training step. Generators live in `ml/defences/`.
 */
import { z } from 'zod';

/** Defence ids, the same in the app, the URL and the CLI. */
export const DEFENCE_IDS = [
  'jpeg',
  'bitdepth',
  'blur',
  'grayscale',
  'cutout',
  'mixup',
  'adv',
] as const;
/** One of {@link DEFENCE_IDS}. */
export type DefenceId = (typeof DEFENCE_IDS)[number];

/** True when `id` names a defence. */
export function isDefenceId(id: string): id is DefenceId {
  return (DEFENCE_IDS as readonly string[]).includes(id);
}

const int = (lo: number, hi: number) => z.number().int().min(lo).max(hi);

/** Settings of one defence; every parameter has a default (see {@link defaultDefence}). */
export const DefenceSettingsSchema = z.discriminatedUnion('id', [
  /** JPEG re-encoding at `quality` (1..100). */
  z.object({ id: z.literal('jpeg'), quality: int(1, 100) }),
  /** Bit-depth reduction to `bits` bits per channel (1..8). */
  z.object({ id: z.literal('bitdepth'), bits: int(1, 8) }),
  /** Gaussian blur of standard deviation `sigma` pixels. */
  z.object({ id: z.literal('blur'), sigma: z.number().gt(0).max(10) }),
  /** Colour to grey (a no-op for 1-channel data). */
  z.object({ id: z.literal('grayscale') }),
  /** A square of `size` x `size` zeros per image, per batch. */
  z.object({ id: z.literal('cutout'), size: int(1, 256) }),
  /** Mixup with mixing weight ~ Beta(alpha, alpha), per batch. */
  z.object({ id: z.literal('mixup'), alpha: z.number().gt(0).max(100) }),
  /** PGD adversarial training: `steps` signed steps of `stepSize` within L-inf `eps`. */
  z.object({
    id: z.literal('adv'),
    eps: z.number().gt(0).max(1),
    steps: int(1, 50),
    stepSize: z.number().gt(0).max(1),
  }),
]);
/** Settings of one defence (see {@link DefenceSettingsSchema}). */
export type DefenceSettings = z.infer<typeof DefenceSettingsSchema>;
/** The settings of defence `I`. */
export type DefenceOf<I extends DefenceId> = Extract<DefenceSettings, { id: I }>;

/** Static description of a defence. */
export interface DefenceInfo {
  id: DefenceId;
  name: string;
  /** 'data': applied to the training set before training; 'loop': inside each training step. */
  kind: 'data' | 'loop';
  description: string;
  /** Slows training markedly (adv: `steps` extra forward/backward passes per batch). */
  costly: boolean;
}

/** Metadata of every defence. */
export const DEFENCES: Readonly<Record<DefenceId, DefenceInfo>> = {
  jpeg: {
    id: 'jpeg',
    name: 'JPEG re-encoding',
    kind: 'data',
    description: 'each training image is JPEG-encoded at the given quality and decoded again',
    costly: false,
  },
  bitdepth: {
    id: 'bitdepth',
    name: 'Bit-depth reduction',
    kind: 'data',
    description: 'pixel values are quantised to 2^bits levels',
    costly: false,
  },
  blur: {
    id: 'blur',
    name: 'Gaussian blur',
    kind: 'data',
    description: 'separable Gaussian blur of each training image (edges clamped)',
    costly: false,
  },
  grayscale: {
    id: 'grayscale',
    name: 'Grayscale',
    kind: 'data',
    description: 'colour images become grey (luma); grey data sets are unchanged',
    costly: false,
  },
  cutout: {
    id: 'cutout',
    name: 'Cutout',
    kind: 'loop',
    description: 'every batch, a seeded square of zeros in each image',
    costly: false,
  },
  mixup: {
    id: 'mixup',
    name: 'Mixup',
    kind: 'loop',
    description:
      'every batch mixed with a seeded permutation of itself, weight ~ Beta(alpha, alpha)',
    costly: false,
  },
  adv: {
    id: 'adv',
    name: 'PGD adversarial training',
    kind: 'loop',
    description: 'every batch replaced by its PGD adversarial examples (L-inf) before the step',
    costly: true,
  },
};

/** Default L-inf budget of adversarial training (images in [0, 1]). */
export const ADV_DEFAULT_EPS = 0.1;

/** The defaults of defence `id`. */
export function defaultDefence<I extends DefenceId>(id: I): DefenceOf<I>;
export function defaultDefence(id: DefenceId): DefenceSettings {
  switch (id) {
    case 'jpeg':
      return { id, quality: 10 };
    case 'bitdepth':
      return { id, bits: 2 };
    case 'blur':
      return { id, sigma: 1 };
    case 'grayscale':
      return { id };
    case 'cutout':
      return { id, size: 8 };
    case 'mixup':
      return { id, alpha: 1 };
    case 'adv':
      return { id, eps: ADV_DEFAULT_EPS, steps: 3, stepSize: ADV_DEFAULT_EPS / 2 };
  }
}

/** A defence in a few words, e.g. "JPEG q10", "PGD adv. training eps 0.1, 3 steps (costly)". */
export function describeDefence(d: DefenceSettings): string {
  switch (d.id) {
    case 'jpeg':
      return `JPEG q${d.quality}`;
    case 'bitdepth':
      return `${d.bits}-bit depth`;
    case 'blur':
      return `blur sigma ${d.sigma}`;
    case 'grayscale':
      return 'grayscale';
    case 'cutout':
      return `cutout ${d.size} px`;
    case 'mixup':
      return `mixup alpha ${d.alpha}`;
    case 'adv':
      return `PGD adv. training eps ${d.eps}, ${d.steps} step${d.steps === 1 ? '' : 's'} of ${d.stepSize} (costly)`;
  }
}
