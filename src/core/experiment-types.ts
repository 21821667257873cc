/**
 * What an experiment run reports besides metrics and SAL: a few of its training images, the
 * poisoning step's summary and a gallery of poisoned images. The engine makes them, the worker
 * sends them, the store keeps them and the CLI writes them, so they live here, free of tfjs.
 */
import type { ImageSet } from './dataset';
import type { DefenceSettings } from './defence-types';
import type {
  PoisonNorms,
  PoisonReport,
  PoisonResult,
  PoisonSettings,
  ResolvedPoisonSettings,
} from './poison-types';

/** A few images of the training subset for the sample grid (bytes, HWC). */
export type SampleImages = Omit<ImageSet, 'numClasses'>;

/** What a poisoning step produced, without the images (those stay with the run). */
export interface PoisonSummary {
  method: PoisonSettings['method'];
  /** The settings used, every default filled in. */
  settings: ResolvedPoisonSettings;
  /** Measured after quantisation, over the poisoned images. */
  norms: PoisonNorms;
  report: PoisonReport;
  /** Seconds the generation took. */
  seconds: number;
  poisonedCount: number;
  /** Set for reduced versions (REM): what was reduced. */
  reduced?: string;
}

/** The summary of a poisoning result (the images stay with the caller). */
export function poisonSummary(r: PoisonResult): PoisonSummary {
  return {
    method: r.settings.method,
    settings: r.settings,
    norms: r.norms,
    report: r.report,
    seconds: r.seconds,
    poisonedCount: r.poisonedMask.reduce((a, b) => a + b, 0),
    ...(r.reduced ? { reduced: r.reduced } : {}),
  };
}

/** A few images per class: original and poisoned bytes and the perturbation (HWC). */
export type GallerySample = Omit<SampleImages, 'images'> & {
  original: Uint8Array;
  poisoned: Uint8Array;
  perturbation: Float32Array;
};

/** What the defence step did. */
export interface DefenceSummary {
  settings: DefenceSettings;
  /** e.g. "JPEG q10". */
  label: string;
  /** Set when the defence changed nothing (grayscale on grey images). */
  note: string | null;
  /** Seconds spent rewriting the training set (0 for loop defences). */
  seconds: number;
}
