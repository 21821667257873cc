/** The Lessons menu of the top bar: each lesson opens with its settings at its first step. */
import './lessons.css';
import { appStore } from '../../store';
import { startLesson } from '../../app/lessons/lesson-actions';
import { LESSONS } from '../../app/lessons/lessons';

export function LessonMenu() {
  return (
    <details className="lesson-menu" data-testid="lesson-menu">
      <summary>Lessons</summary>
      <ul className="popover" role="menu">
        {LESSONS.map((l) => (
          <li key={l.id} role="none">
            <button
              type="button"
              role="menuitem"
              data-testid={`lesson-${l.id}`}
              onClick={(e) => {
                startLesson(appStore, l.id);
                (e.currentTarget.closest('details') as HTMLDetailsElement | null)?.removeAttribute(
                  'open',
                );
              }}
            >
              <strong>{l.title}</strong>
              <span className="muted small">{l.summary}</span>
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
