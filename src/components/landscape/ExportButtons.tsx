/** Export of the landscape tab: PNG of the view, the grids as CSV / JSON, the 3D surface as glTF. */
import type { RefObject } from 'react';
import type { LandscapeView, SurfaceGrid } from '../../core/landscape-types';
import type { SurfaceScene } from '../../scene/surface-scene';
import { appStore, type LandscapeJob } from '../../store';
import { runLabel } from '../../store/poison-config';
import { canvasesToPng, download, gridsToCsv, gridsToJson } from './landscape-export';

interface Props {
  view: LandscapeView;
  jobs: LandscapeJob[];
  root: RefObject<HTMLDivElement | null>;
  scenes: RefObject<Map<string, SurfaceScene>>;
  onError: (message: string | null) => void;
}

function gridsOf(jobs: LandscapeJob[]): { run: string; grid: SurfaceGrid }[] {
  const runs = appStore.getState().runs;
  return jobs.flatMap((j) => {
    const r = j.result;
    if (!r || r.kind === 'interpolation') return [];
    return [{ run: runLabel(runs[j.sourceRunId]?.method ?? null), grid: r.surface }];
  });
}

export function ExportButtons({ view, jobs, root, scenes, onError }: Props) {
  const done = jobs.length > 0 && jobs.every((j) => j.status === 'done');
  const grids = gridsOf(jobs);
  const run = async (what: string, f: () => Promise<void> | void) => {
    onError(null);
    try {
      await f();
    } catch (e) {
      onError(`Export (${what}) failed: ${(e as Error).message}`);
    }
  };
  const settings = appStore.getState().landscapeSettings;
  const base = `salscape-${view}`;
  return (
    <div className="export-row" role="group" aria-label="Export this view">
      <span className="muted small">Export:</span>
      <button
        type="button"
        className="link-button"
        disabled={!done}
        onClick={() =>
          run('PNG', async () => {
            if (!root.current) throw new Error('nothing is drawn');
            download(`${base}.png`, await canvasesToPng(root.current, `SALscape: ${view}`));
          })
        }
      >
        PNG
      </button>
      {view !== 'interpolation' && (
        <>
          <button
            type="button"
            className="link-button"
            disabled={!done || grids.length === 0}
            onClick={() => run('CSV', () => download(`${base}.csv`, gridsToCsv(grids), 'text/csv'))}
          >
            CSV
          </button>
          <button
            type="button"
            className="link-button"
            disabled={!done || grids.length === 0}
            onClick={() =>
              run('JSON', () => download(`${base}.json`, gridsToJson(grids, settings)))
            }
          >
            JSON
          </button>
        </>
      )}
      {view === 'interpolation' && (
        <button
          type="button"
          className="link-button"
          disabled={!done}
          onClick={() =>
            run('JSON', () =>
              download(
                `${base}.json`,
                JSON.stringify(
                  jobs.flatMap((j) =>
                    j.result?.kind === 'interpolation'
                      ? [
                          {
                            from: j.sourceRunId,
                            to: j.targetRunId ?? 'own initial weights -> final',
                            alphas: Array.from(j.result.curve.alphas),
                            loss: Array.from(j.result.curve.loss),
                            acc: Array.from(j.result.curve.acc),
                          },
                        ]
                      : [],
                  ),
                ),
              ),
            )
          }
        >
          JSON
        </button>
      )}
      {view === 'surface' && (
        <button
          type="button"
          className="link-button"
          disabled={!done || scenes.current.size === 0}
          onClick={() =>
            run('glTF', async () => {
              const runs = appStore.getState().runs;
              for (const [id, s] of scenes.current)
                download(
                  `salscape-surface-${runLabel(runs[id]?.method ?? null).replace(/\W+/g, '-')}.gltf`,
                  await s.toGltf(),
                  'model/gltf+json',
                );
            })
          }
        >
          glTF
        </button>
      )}
    </div>
  );
}
