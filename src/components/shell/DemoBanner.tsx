/**
 * Says when the experiment on screen is a pretrained demo (and how it was made), offers "Train
 * live" to retrain the same settings in this browser, and reports a demo that could not be
 * fetched. Marks `salscape:full-view` (Performance API) once a demo's landscape, SAL heatmaps
 * and UD are all on screen, for `npm run bench:demo`.
 */
import './demo.css';
import { useEffect } from 'react';
import { selectBusy, selectExperiment, useApp } from '../../store';
import { FULL_VIEW_MARK } from '../../app/demos/demo-controller';

/** The parts of a full view, each marked (`salscape:<part>`) when it first shows. */
const PARTS = {
  landscape: () => !!document.querySelector('[data-testid="landscape"] canvas'),
  heatmaps: () => !!document.querySelector('[data-testid="sal-heatmap"] canvas'),
  ud: () =>
    [...document.querySelectorAll('[data-testid="ud-value"]')].some((e) =>
      /\d/.test(e.textContent ?? ''),
    ),
};

const fullViewOnScreen = (): boolean => {
  let all = true;
  for (const [name, shown] of Object.entries(PARTS)) {
    const mark = `salscape:${name}`;
    if (performance.getEntriesByName(mark).length > 0) continue;
    if (shown()) performance.mark(mark);
    else all = false;
  }
  return all;
};

/** Marks the first full view of a demo experiment (once per page). */
function useFullViewMark(demoId: string | null): void {
  useEffect(() => {
    if (!demoId || performance.getEntriesByName(FULL_VIEW_MARK).length > 0) return;
    let frame = 0;
    const poll = () => {
      if (fullViewOnScreen()) {
        // One more frame, so what was put on screen has been painted.
        frame = requestAnimationFrame(() => performance.mark(FULL_VIEW_MARK));
        return;
      }
      frame = requestAnimationFrame(poll);
    };
    frame = requestAnimationFrame(poll);
    return () => cancelAnimationFrame(frame);
  }, [demoId]);
}

export function DemoBanner() {
  const exp = useApp(selectExperiment);
  const busy = useApp(selectBusy);
  const connected = useApp((s) => s.client !== null);
  const status = useApp((s) => s.demoStatus);
  const message = useApp((s) => s.demoMessage);
  const trainLive = useApp((s) => s.trainLive);
  const demo = exp?.demo ?? null;
  useFullViewMark(demo ? exp!.id : null);

  return (
    <>
      {message && (
        <p
          className={status === 'failed' ? 'error small' : 'muted small'}
          data-testid="demo-message"
          role={status === 'failed' ? 'alert' : 'status'}
        >
          {message}
        </p>
      )}
      {demo && (
        <div className="demo-banner" data-testid="demo-banner">
          <p className="small">
            <strong>Pretrained demo</strong>, trained with the CLI on {demo.backend.toUpperCase()} (
            {demo.createdAt.slice(0, 10)}): these results were loaded, not trained in this browser.
            Train live repeats the same settings and seed here; on WASM the numbers match.
          </p>
          <button
            type="button"
            className="primary"
            data-testid="train-live"
            disabled={busy || !connected}
            title="Trains the same clean and poisoned runs in this browser, as a new experiment"
            onClick={() => trainLive()}
          >
            Train live
          </button>
        </div>
      )}
    </>
  );
}
