/** What a link carries: every setting that decides a run, the view, and an optional lesson step. */
import type { DefenceSettings } from '../../core/defence-types';
import type { LandscapeSettings, LandscapeView } from '../../core/landscape-types';
import type { BackendPreference } from '../../core/run-types';
import type { SalSettings } from '../../core/sal-types';
import type { TrainConfig } from '../../core/train-config';
import type { PoisonConfig } from '../../store/poison-config';
import type { LessonRef } from '../../store/types';

/** The whole shareable state. */
export interface ShareState {
  config: TrainConfig;
  poison: PoisonConfig;
  defence: DefenceSettings | null;
  salOn: boolean;
  salSettings: SalSettings;
  landscapeSettings: LandscapeSettings;
  landscapeView: LandscapeView;
  landscapeLogScale: boolean;
  backendPreference: BackendPreference;
  lesson: LessonRef | null;
}

/**
 * What a decoded link sets: only the fields that were present and valid. Record-like fields
 * are themselves partial because each part is validated (and dropped) on its own.
 */
export interface SharePatch {
  config?: Partial<TrainConfig>;
  /** `methods` and `eps` come together from `p`; `ratio` and `seed` from `r` and `ps`. */
  poison?: Partial<PoisonConfig>;
  defence?: DefenceSettings | null;
  salOn?: boolean;
  salSettings?: Partial<SalSettings>;
  landscapeSettings?: Partial<LandscapeSettings>;
  landscapeView?: LandscapeView;
  landscapeLogScale?: boolean;
  backendPreference?: BackendPreference;
  lesson?: LessonRef | null;
}

/** A decoded hash: what applies, and one line per dropped field naming it. */
export interface DecodedShare {
  state: SharePatch;
  notices: string[];
}
