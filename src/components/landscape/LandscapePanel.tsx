/**
 * The centre "Landscape" panel: tabs (3D surface | contours | difference | 1D interpolation |
 * training-path plane), the surface settings, progress of the jobs behind the tab, exports.
 * Jobs are asked for when the runs have finished; stale ones (other settings) are cancelled.
 */
import './landscape.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import {
  LANDSCAPE_DATA_LABELS,
  LANDSCAPE_VIEWS,
  LandscapeSettingsSchema,
  type LandscapeSettings,
  type LandscapeView,
} from '../../core/landscape-types';
import {
  appStore,
  isActiveLandscape,
  landscapeKey,
  selectCleanRun,
  selectFocusedRun,
  useApp,
  type LandscapeJob,
} from '../../store';
import { jobsForView } from '../../store/derived/landscape-view';
import { runLabel } from '../../store/poison-config';
import { ProgressBar } from '../common/ProgressBar';
import { InterpolationView } from './InterpolationView';
import { LandscapeSettingsRow } from './LandscapeSettingsRow';
import { ExportButtons } from './ExportButtons';
import { PathView } from './PathView';
import { SurfacesView } from './SurfacesView';
import type { SurfaceScene } from '../../scene/surface-scene';

export const VIEW_LABELS: Record<LandscapeView, string> = {
  surface: '3D surface',
  contour: 'Contours',
  difference: 'Difference',
  interpolation: '1D interpolation',
  path: 'Training-path plane',
};

const VIEW_NOTES: Record<LandscapeView, string> = {
  surface:
    'Loss around each final model along two filter-normalised random directions (same seed for both runs, each scaled to its own weights); red dot: the model. Same colour and height scale for both.',
  contour:
    'The same surfaces from above: lines join equal loss. Wide, flat basins generalise; a poisoned model can sit in a basin of the poisoned data that is a cliff for clean data.',
  difference:
    'Poisoned minus clean loss at each point of the shared grid: red where the poisoned model is worse, blue where it is better.',
  interpolation:
    'Loss on the straight line between two weight settings: from the clean to the poisoned final weights, and from each run’s initial to its final weights (alpha 0 = start, 1 = end).',
  path: 'The plane of the two main directions (PCA) of each run’s checkpoints around its final weights, with the loss over it and the path training took (large dot: initial weights).',
};

export function LandscapePanel() {
  const clean = useApp(selectCleanRun);
  const focused = useApp(selectFocusedRun);
  const view = useApp((s) => s.landscapeView);
  const settings = useApp((s) => s.landscapeSettings);
  const hasClient = useApp((s) => s.client !== null);
  const viewRoot = useRef<HTMLDivElement>(null);
  const scenes = useRef(new Map<string, SurfaceScene>());
  const [exportError, setExportError] = useState<string | null>(null);

  const valid = LandscapeSettingsSchema.safeParse(settings);
  const settingsError = valid.success
    ? null
    : `${valid.error.issues[0]?.path.join('.') ?? 'setting'}: ${valid.error.issues[0]?.message ?? 'invalid'}`;
  const cleanRef = clean ? { id: clean.id, label: runLabel(null) } : null;
  const poisonedRef = focused ? { id: focused.id, label: runLabel(focused.method) } : null;
  const needed = useMemo(
    () => (cleanRef ? jobsForView(view, cleanRef, poisonedRef) : []),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [view, cleanRef?.id, poisonedRef?.id],
  );
  const ready = (id: string) => appStore.getState().runs[id]?.status === 'done';
  const cleanDone = clean?.status === 'done';
  const focusedDone = focused?.status === 'done';

  useEffect(() => {
    if (!valid.success || !hasClient) return;
    const st = appStore.getState();
    const keep = new Set<string>();
    for (const j of needed) {
      if (!ready(j.source) || (j.target && !ready(j.target))) continue;
      keep.add(st.requestLandscape(j.kind, j.source, j.target));
    }
    // Jobs with other settings than those on screen are stale: stop them.
    const current = appStore.getState();
    for (const [key, job] of Object.entries(current.landscapes))
      if (isActiveLandscape(job) && !keep.has(key) && !sameSettings(job, current.landscapeSettings))
        current.client?.cancel(job.jobId);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [needed, cleanDone, focusedDone, valid.success, JSON.stringify(settings), hasClient]);

  const keys = needed.map((j) => landscapeKey(j.kind, j.source, j.target, settings));
  // Same array while every job object is unchanged, so the views redraw only on news.
  const jobList = useApp(useShallow((s) => keys.map((k) => s.landscapes[k])));
  const jobs = needed.map((need, k) => ({ need, job: jobList[k] }));

  return (
    <section className="card landscape" aria-label="Loss landscape" data-testid="landscape">
      <div className="landscape-head">
        <h2>Loss landscape</h2>
        <div className="tabs" role="tablist" aria-label="Landscape views">
          {LANDSCAPE_VIEWS.map((v, i) => (
            <button
              key={v}
              role="tab"
              type="button"
              id={`landscape-tab-${v}`}
              data-testid={`landscape-tab-${v}`}
              aria-selected={view === v}
              tabIndex={view === v ? 0 : -1}
              className={view === v ? 'tab active' : 'tab'}
              onClick={() => appStore.getState().setLandscapeView(v)}
              onKeyDown={(e) => {
                const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
                if (!d) return;
                e.preventDefault();
                const next =
                  LANDSCAPE_VIEWS[(i + d + LANDSCAPE_VIEWS.length) % LANDSCAPE_VIEWS.length]!;
                appStore.getState().setLandscapeView(next);
                document.getElementById(`landscape-tab-${next}`)?.focus();
              }}
            >
              {VIEW_LABELS[v]}
            </button>
          ))}
        </div>
      </div>
      <LandscapeSettingsRow error={settingsError} />
      <div role="tabpanel" aria-labelledby={`landscape-tab-${view}`}>
        {!clean ? (
          <p className="muted chart-empty-text">
            Train an experiment: when its runs have finished, their loss landscapes appear here.
          </p>
        ) : !cleanDone ? (
          <p className="muted chart-empty-text">
            The landscape is measured around the trained models: it starts when training has
            finished.
          </p>
        ) : (
          <>
            <JobLines jobs={jobs} />
            <div ref={viewRoot} className="landscape-view">
              {view === 'interpolation' ? (
                <InterpolationView needs={needed} jobs={jobList} />
              ) : view === 'path' ? (
                <PathView needs={needed} jobs={jobList} />
              ) : (
                <SurfacesView
                  view={view}
                  needs={needed}
                  jobs={jobList}
                  onScene={(id, s) => {
                    if (s) scenes.current.set(id, s);
                    else scenes.current.delete(id);
                  }}
                />
              )}
            </div>
            <p className="muted small landscape-note">
              {VIEW_NOTES[view]} Measured on{' '}
              {Math.min(
                settings.limit,
                settings.data === 'test' ? clean.config.testSize : clean.config.trainSize,
              )}{' '}
              images of the {LANDSCAPE_DATA_LABELS[settings.data]}, in inference mode.
            </p>
            <ExportButtons
              view={view}
              jobs={jobs.map((j) => j.job).filter((j): j is LandscapeJob => !!j)}
              root={viewRoot}
              scenes={scenes}
              onError={setExportError}
            />
            {exportError && <p className="error">{exportError}</p>}
          </>
        )}
        {!hasClient && <p className="error">The lab worker is not running: reload the page.</p>}
      </div>
    </section>
  );
}

function sameSettings(job: LandscapeJob, s: LandscapeSettings): boolean {
  return (
    landscapeKey(job.kind, job.sourceRunId, job.targetRunId, job.settings) ===
    landscapeKey(job.kind, job.sourceRunId, job.targetRunId, s)
  );
}

/** One line per job: what it measures, its state and progress. */
function JobLines({ jobs }: { jobs: { need: { role: string }; job: LandscapeJob | undefined }[] }) {
  const busy = jobs.filter((j) => j.job && (isActiveLandscape(j.job) || j.job.status === 'failed'));
  if (busy.length === 0) return null;
  const active = busy.some((j) => j.job && isActiveLandscape(j.job));
  return (
    <ul className="landscape-jobs" aria-live="polite">
      {active && (
        <li>
          <button
            type="button"
            className="link-button"
            data-testid="landscape-cancel"
            onClick={() => appStore.getState().cancelLandscapes()}
          >
            Stop measuring
          </button>
        </li>
      )}
      {busy.map(({ need, job }) => (
        <li key={need.role} data-testid="landscape-job">
          <span>
            {need.role}: {job!.status === 'failed' ? `failed: ${job!.error ?? ''}` : job!.detail}
          </span>
          {job!.status !== 'failed' && <ProgressBar fraction={job!.fraction} label={need.role} />}
        </li>
      ))}
    </ul>
  );
}
