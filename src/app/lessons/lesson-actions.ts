/** Opening a lesson, moving between its steps and closing it, on a store. */
import type { StoreApi } from 'zustand/vanilla';
import { lessonById, type Lesson, type LessonStep } from './lessons';
import { selectExperiment } from '../../store/selectors';
import { applyShareState } from '../share/share-store';
import type { All } from '../../store/types';

/**
 * Applies a step's view: the landscape tab, the compared poisoned run and the cross-task
 * poison (a lesson link carries the settings but not the cross-task choice).
 */
export function applyLessonStep(store: StoreApi<All>, step: LessonStep, lesson?: Lesson): void {
  const s = store.getState();
  if (lesson?.crossTaskMethod && s.crossTaskMethod !== lesson.crossTaskMethod)
    s.setCrossTaskMethod(lesson.crossTaskMethod);
  if (step.view) s.setLandscapeView(step.view);
  if (step.focus) {
    const e = selectExperiment(s);
    const id = e?.poisonedRunIds.find((r) => s.runs[r]?.method === step.focus);
    if (id) s.focusRun(id);
  }
}

/** Opens a lesson at its first step with its settings. Returns false for an unknown id. */
export function startLesson(store: StoreApi<All>, id: string): boolean {
  const lesson = lessonById(id);
  if (!lesson) return false;
  // A lesson starts from the defaults, so a previous lesson's defence or poisons do not linger.
  store.getState().resetConfig();
  applyShareState(store, lesson.patch);
  if (lesson.crossTaskMethod) store.getState().setCrossTaskMethod(lesson.crossTaskMethod);
  store.getState().setLesson({ id, step: 0 });
  return showLessonStep(store, 0);
}

/** Shows step `index` of the open lesson (clamped). Returns false when no lesson is open. */
export function showLessonStep(store: StoreApi<All>, index: number): boolean {
  const s = store.getState();
  const l = s.lesson ? lessonById(s.lesson.id) : null;
  if (!l) return false;
  const step = Math.max(0, Math.min(l.steps.length - 1, Math.round(index)));
  s.setLesson({ id: l.id, step });
  applyLessonStep(store, l.steps[step]!, l);
  return true;
}

/** Closes the lesson (the settings stay). */
export function closeLesson(store: StoreApi<All>): void {
  store.getState().setLesson(null);
}
