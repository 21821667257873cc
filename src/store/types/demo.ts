/** The demo slice: fetching state, runs for the worker to adopt, and "Train live". */
import type { AdoptJob } from '../../workers/client';

export interface DemoSlice {
  /** 'loading' while the index or a demo file is on its way; 'failed' with `demoMessage`. */
  demoStatus: 'idle' | 'loading' | 'failed';
  /** What the demo banner says about fetching (null: nothing). */
  demoMessage: string | null;
  /** Finished runs the worker did not train, by run id, for it to adopt. */
  adoptable: Readonly<Record<string, AdoptJob>>;
  setDemoStatus(status: DemoSlice['demoStatus'], message: string | null): void;
  /**
   * Puts the selected experiment's settings back into the form and trains them in the
   * browser (a new experiment next to the demo). Returns its id, or null (see `startError`).
   */
  trainLive(): string | null;
}
