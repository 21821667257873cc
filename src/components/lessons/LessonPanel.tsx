/**
 * The open lesson: its step text next to the screen, the element the step is about outlined
 * and scrolled into view; Previous / Next buttons and the arrow keys move between steps.
 */
import './lessons.css';
import { useEffect } from 'react';
import { appStore, useApp } from '../../store';
import { applyLessonStep, closeLesson, showLessonStep } from '../../app/lessons/lesson-actions';
import { lessonById } from '../../app/lessons/lessons';

export function LessonPanel() {
  const ref = useApp((s) => s.lesson);
  const experimentId = useApp((s) => s.selectedExperimentId);
  const lesson = ref ? lessonById(ref.id) : null;
  const step = lesson ? lesson.steps[Math.min(ref!.step, lesson.steps.length - 1)] : undefined;

  // The step's view and outline; again when an experiment (e.g. a demo) arrives. Panels
  // re-mount as results come in, so the outline follows the element while the step is shown.
  useEffect(() => {
    if (!step) return;
    applyLessonStep(appStore, step, lesson ?? undefined);
    let outlined: HTMLElement | null = null;
    const follow = () => {
      const el = document.querySelector<HTMLElement>(`[data-testid="${step.target}"]`);
      // React rewrites className when an element's own classes change: add the outline again.
      if (el === outlined) {
        el?.classList.add('lesson-target');
        return;
      }
      outlined?.classList.remove('lesson-target');
      outlined = el;
      if (!el) return;
      el.classList.add('lesson-target');
      el.scrollIntoView({ block: 'nearest' });
    };
    follow();
    const timer = setInterval(follow, 250);
    return () => {
      clearInterval(timer);
      outlined?.classList.remove('lesson-target');
    };
  }, [step, lesson, experimentId]);

  useEffect(() => {
    if (!lesson) return;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName)) return;
      if (t?.getAttribute('role') === 'tab') return; // the tabs use the arrows themselves
      const cur = appStore.getState().lesson;
      if (!cur) return;
      if (e.key === 'ArrowRight') showLessonStep(appStore, cur.step + 1);
      else if (e.key === 'ArrowLeft') showLessonStep(appStore, cur.step - 1);
      else if (e.key === 'Escape') closeLesson(appStore);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [lesson]);

  if (!lesson || !ref || !step) {
    if (ref && !lesson)
      return (
        <aside className="lesson card" role="status">
          This link names a lesson this version does not have ({ref.id}).{' '}
          <button type="button" className="link-button" onClick={() => closeLesson(appStore)}>
            Close
          </button>
        </aside>
      );
    return null;
  }
  const n = lesson.steps.length;
  const k = Math.min(ref.step, n - 1);
  return (
    <aside className="lesson card" aria-label={`Lesson: ${lesson.title}`} data-testid="lesson">
      <div className="lesson-head">
        <span className="muted small">
          Lesson · step {k + 1} of {n}
        </span>
        <button
          type="button"
          className="link-button"
          aria-label="Close the lesson"
          onClick={() => closeLesson(appStore)}
        >
          ✕
        </button>
      </div>
      <h3>{lesson.title}</h3>
      <h4 data-testid="lesson-step-title">{step.title}</h4>
      <p aria-live="polite">{step.text}</p>
      {!experimentId && (
        <p className="muted small" data-testid="lesson-train-hint">
          Nothing trained yet: press <strong>Train</strong> to run this lesson’s experiment (about a
          minute on a laptop).
        </p>
      )}
      <div className="lesson-nav">
        <button
          type="button"
          disabled={k === 0}
          data-testid="lesson-prev"
          onClick={() => showLessonStep(appStore, k - 1)}
        >
          ← Previous
        </button>
        <button
          type="button"
          className="primary"
          disabled={k === n - 1}
          data-testid="lesson-next"
          onClick={() => showLessonStep(appStore, k + 1)}
        >
          Next →
        </button>
      </div>
    </aside>
  );
}
