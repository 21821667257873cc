/** The share slice: link notices, the lesson a link opened, experiment names, rename / delete. */

/** A lesson and the step shown (lessons are defined elsewhere; the id is opaque here). */
export interface LessonRef {
  id: string;
  /** 0-based step index. */
  step: number;
}

/** Link, lesson and saved-runs state. */
export interface ShareSlice {
  /** One line per dropped link field, shown until dismissed. */
  shareNotices: readonly string[];
  /** Why saved runs are unavailable or an import failed (null: nothing to say). */
  persistNotice: string | null;
  /** The lesson and step a link opened (null: none). */
  lesson: LessonRef | null;
  /** Names the user gave experiments, by experiment id. */
  experimentNames: Readonly<Record<string, string>>;
  /** Experiments that were active when the page closed or crashed. */
  interruptedExperiments: Readonly<Record<string, true>>;
  addShareNotices(notices: readonly string[]): void;
  dismissShareNotices(): void;
  setPersistNotice(notice: string | null): void;
  setLesson(lesson: LessonRef | null): void;
  /** Renames an experiment ('' restores the default "experiment #n"). */
  renameExperiment(id: string, name: string): void;
  /** Cancels its active runs and removes an experiment and its runs from the session. */
  deleteExperiment(id: string): void;
}
