/**
 * Poisoning (availability-attack) methods as plain data: their ids, settings schema, metadata
 * (norm, budget defaults per data set) and the shape of a result. Pure: the generators live in
 * `ml/poisons/`, one file per method; the app, URL and CLI only need this file.
 * Budgets are for images in [0, 1] (docs/science.md section 5).
 */
import { z } from 'zod';
import type { DatasetId, ImageSet } from './dataset';
import { MODELS } from './train-config';

/** Method ids, the same in the app, the URL and the CLI. */
export const POISON_METHOD_IDS = [
  'random',
  'random-class',
  'lsp',
  'ar',
  'ops',
  'cuda',
  'em',
  'em-class',
  'tap',
  'sep',
  'rem',
] as const;
/** One of {@link POISON_METHOD_IDS}. */
export type PoisonMethodId = (typeof POISON_METHOD_IDS)[number];

/**
 * What `eps` measures: 'linf' max |delta| per pixel, 'l2' the Euclidean norm of one image's
 * delta, 'l0' the number of changed pixels per image, 'filter' a kernel parameter (no additive
 * budget: the image is convolved).
 */
export type PoisonNorm = 'linf' | 'l2' | 'l0' | 'filter';

/** Why a min-min (EM / REM) loop ended. */
export type StopReason = 'loss-threshold' | 'max-rounds';

/** True when `id` names a poisoning method. */
export function isPoisonMethodId(id: string): id is PoisonMethodId {
  return (POISON_METHOD_IDS as readonly string[]).includes(id);
}

const posInt = (max: number) => z.number().int().min(1).max(max);

/**
 * Settings of one poisoning run. `eps` is the budget in the method's own norm (see
 * POISON_METHODS[method].norm); the optional fields tune the model-based methods and default
 * as documented per field (see {@link resolvePoisonSettings}).
 */
export const PoisonSettingsSchema = z
  .object({
    method: z.enum(POISON_METHOD_IDS),
    /** Budget in the method's norm, images in [0, 1] (L0: pixels; filter: kernel spread). */
    eps: z.number().min(0).max(1000),
    /** Fraction of the training images poisoned (0..1), chosen by a seeded RNG. */
    ratio: z.number().min(0).max(1),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    /** EM / REM: the surrogate model trained inside the min-min loop (default cnn-s). */
    surrogate: z.enum(MODELS).optional(),
    /** EM / REM: surrogate SGD batches per round (default 10). */
    trainBatches: posInt(10000).optional(),
    /** Signed-gradient steps: per round for EM / REM (20 / 10), in total for TAP / SEP (20). */
    steps: posInt(10000).optional(),
    /** Size of one signed step (EM / REM: eps/10; TAP / SEP: 2.5 eps/steps). */
    stepSize: z.number().gt(0).max(1).optional(),
    /** EM / REM: rounds before the loss-based stop may fire (EM 10, REM 3). */
    minRounds: posInt(10000).optional(),
    /** EM / REM: hard cap on rounds (EM 60, REM 6). */
    maxRounds: posInt(10000).optional(),
    /** EM / REM: stop once the surrogate's mean CE on the quantised x + delta is below this (0.01). */
    lossThreshold: z.number().gt(0).max(10).optional(),
    /** EM / REM surrogate SGD: batch size (32), learning rate (0.05), momentum (0.9). */
    batchSize: posInt(4096).optional(),
    lr: z.number().gt(0).max(10).optional(),
    momentum: z.number().min(0).max(0.999).optional(),
    /** REM: radius of the inner PGD adversary in L-inf (default eps/2) and its steps (2). */
    advEps: z.number().min(0).max(1).optional(),
    advSteps: posInt(1000).optional(),
    /** SEP: how many evenly spaced checkpoints of the clean run to average over (5). */
    checkpoints: posInt(1000).optional(),
    /** LSP: patches per side (4: a 28x28 image gets a 4x4 grid of 7x7 patches). */
    grid: posInt(64).optional(),
  })
  .superRefine((s, ctx) => {
    const norm = POISON_METHODS[s.method].norm;
    if (norm === 'linf' && s.eps > 1) {
      ctx.addIssue({ code: 'custom', path: ['eps'], message: 'an L-inf budget must be <= 1' });
    }
    if (norm === 'l0' && (!Number.isInteger(s.eps) || s.eps < 1)) {
      ctx.addIssue({
        code: 'custom',
        path: ['eps'],
        message: 'an L0 budget is a whole number of pixels >= 1',
      });
    }
    if (s.minRounds !== undefined && s.maxRounds !== undefined && s.minRounds > s.maxRounds) {
      ctx.addIssue({
        code: 'custom',
        path: ['minRounds'],
        message: `minRounds (${s.minRounds}) exceeds maxRounds (${s.maxRounds})`,
      });
    }
  });

/** Settings of one poisoning run (see {@link PoisonSettingsSchema}). */
export type PoisonSettings = z.infer<typeof PoisonSettingsSchema>;

/** Static description of a method, for lists, galleries and defaults. */
export interface PoisonMethodInfo {
  id: PoisonMethodId;
  name: string;
  norm: PoisonNorm;
  /** Needs input gradients of a model (a surrogate it trains itself, or a clean one). */
  needsSurrogate: boolean;
  /** Needs a trained clean model passed in (TAP: final weights; SEP: its checkpoints). */
  needsCleanModel: boolean;
  /** One pattern (or transform) shared by every image of a class. */
  classWise: boolean;
  /** Default budget per data set, in the method's norm, chosen from measurements (README). */
  defaultEps: Record<DatasetId, number>;
  /** Present when only a reduced version is offered: what was reduced ("reduced: ..."). */
  reduced?: string;
  /**
   * Present when the method, as implemented, parts from its paper in another way than a
   * reduction ("departs from the paper: ..."); shown with the method (docs/science.md section 7).
   */
  departure?: string;
  /** One or two sentences for the method list; names the paper. */
  description: string;
}

/**
 * Metadata of every method, keyed by id.
 *
 * Default budgets come from a quick measurement (rerun with `npm run bench:poisons`):
 * 2,000 training / 1,000 test images, cnn-s and vgg-s, 6 epochs, SGD lr 0.05, momentum 0.9,
 * batch 32, WASM. Clean test accuracy: MNIST 0.953 / 0.936, Fashion 0.793 / 0.741. Chosen so the
 * demo shows clear drops for several methods while the poison is actually LEARNED (training
 * accuracy near 1): larger budgets often make vgg-s diverge at lr 0.05 (training accuracy ~0.1,
 * loss stuck at ln 10), a training failure, not unlearnability. MNIST: EM 0.3 -> 0.83 / 0.75,
 * class-wise EM 0.2 -> 0.84 / 0.68 (0.1: 0.91 / 0.79), TAP 0.3 -> 0.44 / 0.52, SEP 0.3 -> 0.35 /
 * 0.46, LSP 5x -> 0.77 / 0.80 (1x and 3x: no effect), OPS 1 pixel -> 0.84 / 0.93, REM 0.2 ->
 * 0.82 / vgg-s diverged; random noise (either kind) at 0.3, AR and CUDA do not bite digits.
 * Fashion bites at smaller budgets: EM 0.1 -> cnn-s 0.57, class-wise EM 0.1 -> 0.66, TAP 0.1 ->
 * 0.45 / 0.61, SEP 0.1 -> 0.38 / 0.22, REM 0.1 -> 0.68 / 0.60, LSP 3x -> 0.60, OPS -> 0.44;
 * per-sample random 0.1 stays within 3 points (the control).
 */
export const POISON_METHODS: Record<PoisonMethodId, PoisonMethodInfo> = {
  random: {
    id: 'random',
    name: 'Random noise (per sample)',
    norm: 'linf',
    needsSurrogate: false,
    needsCleanModel: false,
    classWise: false,
    defaultEps: { mnist: 0.3, fashion: 0.1 },
    description:
      'Uniform noise in [-eps, eps], drawn afresh for every image. The control: it should barely move clean accuracy.',
  },
  'random-class': {
    id: 'random-class',
    name: 'Random noise (per class)',
    norm: 'linf',
    needsSurrogate: false,
    needsCleanModel: false,
    classWise: true,
    defaultEps: { mnist: 0.3, fashion: 0.1 },
    description:
      'One uniform noise pattern in [-eps, eps] per class, added to every image of that class: a shortcut a model can learn instead of the digit.',
  },
  lsp: {
    id: 'lsp',
    name: 'LSP (linearly separable patches)',
    norm: 'l2',
    needsSurrogate: false,
    needsCleanModel: false,
    classWise: true,
    defaultEps: { mnist: 5 * 28 * (6 / 255), fashion: 3 * 28 * (6 / 255) },
    description:
      'Yu et al. 2022: per class a random low-resolution pattern (class patterns far apart), upsampled to patches and scaled to a fixed L2 norm. The reference norm is sqrt(d)*6/255.',
  },
  ar: {
    id: 'ar',
    name: 'AR (autoregressive noise)',
    norm: 'l2',
    needsSurrogate: false,
    needsCleanModel: false,
    classWise: false,
    defaultEps: { mnist: 1, fashion: 1 },
    departure:
      'departs from the paper: a filter is kept only if a probe sample has comparable energy across the image (in a 3x3 split, the weakest block has at least 0.2 of the strongest block\u2019s RMS); after 500 candidates the most even one is used',
    description:
      'Sandoval-Segura et al. 2022: per class a fixed 3x3 autoregressive filter; each image gets its own noise image grown from Gaussian seeds in raster order, cropped and scaled to an L2 norm (their default 1.0).',
  },
  ops: {
    id: 'ops',
    name: 'OPS (one-pixel shortcut)',
    norm: 'l0',
    needsSurrogate: false,
    needsCleanModel: false,
    classWise: true,
    defaultEps: { mnist: 1, fashion: 1 },
    departure:
      'departs from the paper: where a pixel changes every image of a class by the same amount (standard deviation 0, so the paper\u2019s score is unbounded), it ranks above every finite score, the larger change first',
    description:
      'Wu et al. 2023: per class one pixel position and an extreme value (black or white) that differ most consistently from that class, set in every image of the class. eps counts pixels.',
  },
  cuda: {
    id: 'cuda',
    name: 'CUDA-style class-wise blur',
    norm: 'filter',
    needsSurrogate: false,
    needsCleanModel: false,
    classWise: true,
    defaultEps: { mnist: 0.3, fashion: 0.3 },
    departure:
      'departs from the paper: written from its text only, no reference code; the kernel form is SALscape\u2019s reading',
    description:
      'After Sadasivan et al. 2023 (from the paper text only): each class has its own random non-negative 3x3 blur kernel (centre 1, others uniform in [0, eps], normalised) convolved with its images. eps is the blur spread.',
  },
  em: {
    id: 'em',
    name: 'EM (error-minimising, per sample)',
    norm: 'linf',
    needsSurrogate: true,
    needsCleanModel: false,
    classWise: false,
    defaultEps: { mnist: 0.3, fashion: 0.1 },
    departure:
      'departs from the paper: stops on the surrogate\u2019s loss on the rounded poisoned set (below 0.01 after at least 10 rounds, at most 60), not on its accuracy (the reference stops above 99 %, which digits reach before the noise does anything)',
    description:
      'Huang et al. 2021: min-min; a surrogate trains on x + delta while signed-gradient descent makes delta minimise its loss. Stops when the surrogate loss on the poisoned set falls below a threshold after a minimum number of rounds.',
  },
  'em-class': {
    id: 'em-class',
    name: 'EM (error-minimising, per class)',
    norm: 'linf',
    needsSurrogate: true,
    needsCleanModel: false,
    classWise: true,
    defaultEps: { mnist: 0.2, fashion: 0.1 },
    departure:
      'departs from the paper: stops on the surrogate\u2019s loss on the rounded poisoned set (below 0.01 after at least 10 rounds, at most 60), not on its accuracy (the reference stops above 99 %, which digits reach before the noise does anything)',
    description:
      'Huang et al. 2021, class-wise: one delta per class, its gradient summed over the class; same min-min loop and stop rule as sample-wise EM.',
  },
  tap: {
    id: 'tap',
    name: 'TAP (targeted adversarial poisoning)',
    norm: 'linf',
    needsSurrogate: true,
    needsCleanModel: true,
    classWise: false,
    defaultEps: { mnist: 0.3, fashion: 0.1 },
    reduced:
      'reduced: 20 signed steps (the default) from one random start, no restarts, no data augmentation during the attack, against the experiment\u2019s own clean run',
    description:
      'Fowl et al. 2021: signed-gradient steps on a trained clean model push each image toward class (y + 1) mod C, within eps.',
  },
  sep: {
    id: 'sep',
    name: 'SEP (self-ensemble protection)',
    norm: 'linf',
    needsSurrogate: true,
    needsCleanModel: true,
    classWise: false,
    defaultEps: { mnist: 0.3, fashion: 0.1 },
    reduced:
      'reduced: base SEP only, TAP\u2019s steps with the gradient summed over 5 evenly spaced checkpoints (the default) of the clean run; no feature alignment or variance reduction (the paper\u2019s SEP-FA and SEP-FA-VR)',
    description:
      'Chen et al. 2023: like TAP, but each step follows the gradient averaged over checkpoints saved along the clean run.',
  },
  rem: {
    id: 'rem',
    name: 'REM (robust error-minimising, reduced)',
    norm: 'linf',
    needsSurrogate: true,
    needsCleanModel: false,
    classWise: false,
    defaultEps: { mnist: 0.2, fashion: 0.1 },
    reduced:
      'reduced: 2-step inner PGD adversary at eps/2, 3-6 rounds of 10 steps, no expectation over transformations',
    description:
      'Fu et al. 2022: EM whose surrogate is trained adversarially, so the noise must lower the loss even under an inner PGD attack. Costly: only a reduced version is offered.',
  },
};

/** Every field of PoisonSettings with the method's defaults filled in. */
export type ResolvedPoisonSettings = PoisonSettings &
  Required<
    Pick<
      PoisonSettings,
      | 'surrogate'
      | 'trainBatches'
      | 'steps'
      | 'stepSize'
      | 'minRounds'
      | 'maxRounds'
      | 'lossThreshold'
      | 'batchSize'
      | 'lr'
      | 'momentum'
      | 'advEps'
      | 'advSteps'
      | 'checkpoints'
      | 'grid'
    >
  >;

/**
 * Validates `settings` and fills in each method's defaults (see the schema's field notes);
 * throws an Error naming the first bad field.
 */
export function resolvePoisonSettings(settings: unknown): ResolvedPoisonSettings {
  const r = PoisonSettingsSchema.safeParse(settings);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(root)';
    throw new Error(`invalid poison setting "${field}": ${issue?.message ?? 'bad value'}`);
  }
  const s = r.data;
  const rem = s.method === 'rem';
  const targeted = s.method === 'tap' || s.method === 'sep';
  const steps = s.steps ?? (rem ? 10 : 20);
  return {
    ...s,
    surrogate: s.surrogate ?? 'cnn-s',
    trainBatches: s.trainBatches ?? 10,
    steps,
    stepSize: s.stepSize ?? (targeted ? (2.5 * s.eps) / steps : s.eps / 10),
    minRounds: s.minRounds ?? (rem ? 3 : 10),
    maxRounds: s.maxRounds ?? Math.max(s.minRounds ?? 0, rem ? 6 : 60),
    lossThreshold: s.lossThreshold ?? 0.01,
    batchSize: s.batchSize ?? 32,
    lr: s.lr ?? 0.05,
    momentum: s.momentum ?? 0.9,
    // Only REM uses advEps (an L-inf radius, at most 1); capped so L2 budgets above 2 stay valid.
    advEps: s.advEps ?? Math.min(1, s.eps / 2),
    advSteps: s.advSteps ?? 2,
    checkpoints: s.checkpoints ?? 5,
    grid: s.grid ?? 4,
  };
}

/** Default settings of a method on a data set: its default budget, all images, seed 1. */
export function defaultPoisonSettings(method: PoisonMethodId, dataset: DatasetId): PoisonSettings {
  return { method, eps: POISON_METHODS[method].defaultEps[dataset], ratio: 1, seed: 1 };
}

/** Norms of a perturbation measured after quantisation, over the poisoned images only. */
export interface PoisonNorms {
  /** Largest |delta| of any pixel value (0..1). */
  linfMax: number;
  /** Mean and largest per-image L2 norm of delta. */
  l2Mean: number;
  l2Max: number;
  /** Mean number of changed pixel values per poisoned image. */
  l0Mean: number;
}

/** What a method reports beyond the images: present fields depend on the method. */
export interface PoisonReport {
  /** EM / REM: rounds run, why they stopped, the final surrogate loss on the quantised x+delta. */
  rounds?: number;
  stopReason?: StopReason;
  finalLoss?: number;
  /** EM / REM: surrogate loss on the quantised x+delta after each round. */
  lossHistory?: number[];
  /** OPS: per class, the chosen pixel positions (flat h*w index) and values (0..255 per channel). */
  pixels?: { cls: number; index: number; value: number[] }[];
  /** CUDA: per class and channel, the 3x3 kernel (9 weights, row-major). */
  kernels?: number[][][];
  /** Free-text notes (e.g. clipping, fallbacks), shown next to the result. */
  notes: string[];
}

/** Output of one poisoning run. */
export interface PoisonResult {
  /** The training set with poisoned images (bytes, i.e. quantised); labels unchanged. */
  poisoned: ImageSet;
  /** poisoned/255 - clean/255 for every value of every image (0 where not poisoned). */
  perturbation: Float32Array;
  /** count entries, 1 where the image was poisoned. */
  poisonedMask: Uint8Array;
  /** Measured after quantisation, over the poisoned images. */
  norms: PoisonNorms;
  /** The settings used, defaults filled in. */
  settings: ResolvedPoisonSettings;
  /** Wall-clock seconds of the generation. */
  seconds: number;
  /** Set for reduced versions (REM), as in the metadata. */
  reduced?: string;
  report: PoisonReport;
}
