/** The landscape slice: shared landscape settings, the tab shown, and the landscape jobs. */
import type { LandscapeSettings, LandscapeView } from '../../core/landscape-types';
import type { LandscapeKind } from '../../workers/protocol';
import type { LandscapeJob } from '../reducers/landscape-jobs';

/** Landscape settings (shared by every surface of the selected experiment) and the tab shown. */
export interface LandscapeSlice {
  landscapeSettings: LandscapeSettings;
  landscapeView: LandscapeView;
  /** Heights and colours on a log scale. */
  landscapeLogScale: boolean;
  setLandscapeSettings(patch: Partial<LandscapeSettings>): void;
  setLandscapeView(view: LandscapeView): void;
  setLandscapeLogScale(on: boolean): void;
  /** Landscape jobs by `landscapeKey`. */
  landscapes: Readonly<Record<string, LandscapeJob>>;
  /**
   * Asks the worker for a landscape of a finished run with the current settings, unless it is
   * there or on its way. Returns its key (a failed job says why).
   */
  requestLandscape(kind: LandscapeKind, sourceRunId: string, targetRunId?: string | null): string;
  /** Stops every landscape job still running or queued. */
  cancelLandscapes(): void;
}
