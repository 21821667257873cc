/**
 * The root store type `All`, the dependencies injected into a store, and (re-exported) every
 * slice interface. Type files import no slice implementation, so slices and the formats built
 * on them can import these without a cycle.
 */
import type { TrainConfig } from '../../core/train-config';
import type { PoisonConfig } from '../poison-config';
import type { ConfigSlice } from './config';
import type { CrossTaskSlice } from './cross-task';
import type { DemoSlice } from './demo';
import type { LabClientLike, LabSlice } from './lab';
import type { LandscapeSlice } from './landscape';
import type { RunsSlice } from './runs';
import type { ShareSlice } from './share';

export type { ConfigSlice } from './config';
export type { CrossTaskSlice } from './cross-task';
export type { DemoSlice } from './demo';
export type { LabClientLike, LabSlice } from './lab';
export type { LandscapeSlice } from './landscape';
export type { DemoMark, Experiment, FilterView, RunsSlice } from './runs';
export type { LessonRef, ShareSlice } from './share';

/** Dependencies of a store; all optional. */
export interface StoreDeps {
  /** The worker client (or set later with `connectLab`). */
  client?: LabClientLike;
  /** Base URL of the prepared data sets. */
  dataUrl?: string;
  /** Clock in milliseconds (tests pass a fake). */
  now?: () => number;
  /** Run and job id factory (tests pass a deterministic one). */
  newId?: (prefix: string) => string;
  /** Starting configuration (defaults to `defaultTrainConfig()`). */
  config?: TrainConfig;
  /** Starting poison settings (defaults to `defaultPoisonConfig()`). */
  poison?: PoisonConfig;
}

/** The whole store. */
export type All = ConfigSlice &
  RunsSlice &
  LabSlice &
  LandscapeSlice &
  ShareSlice &
  DemoSlice &
  CrossTaskSlice;
