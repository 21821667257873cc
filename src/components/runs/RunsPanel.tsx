/** Saved experiments (kept across reloads): show, rename, delete; session files below. */
import './runs.css';
import { useState } from 'react';
import { experimentRuns, experimentStatus, useApp, type Experiment } from '../../store';
import { DATASET_SHORT } from '../../store/config-fields';
import { runLabel } from '../../store/poison-config';
import { SessionFileButtons } from './SessionFileButtons';

export function RunsPanel() {
  const order = useApp((s) => s.experimentOrder);
  const experiments = useApp((s) => s.experiments);
  return (
    <section className="card runs-panel" aria-labelledby="runs-h" data-testid="runs-panel">
      <h2 id="runs-h">Saved runs</h2>
      {order.length === 0 ? (
        <p className="muted small">Finished experiments are kept here across reloads.</p>
      ) : (
        <ol>
          {[...order].reverse().map((id) => {
            const e = experiments[id];
            return e ? <RunsItem key={id} exp={e} /> : null;
          })}
        </ol>
      )}
      <SessionFileButtons />
    </section>
  );
}

function RunsItem({ exp }: { exp: Experiment }) {
  // Primitive selections: a training run changes `runs` many times a second.
  const status = useApp((s) => experimentStatus(experimentRuns(s, exp)));
  const methods = useApp((s) =>
    experimentRuns(s, exp)
      .filter((r) => r.method !== null)
      .map((r) => runLabel(r.method))
      .join(', '),
  );
  const name = useApp((s) => s.experimentNames[exp.id]);
  const interrupted = useApp((s) => Boolean(s.interruptedExperiments[exp.id]));
  const selected = useApp((s) => s.selectedExperimentId === exp.id);
  const selectExperiment = useApp((s) => s.selectExperiment);
  const renameExperiment = useApp((s) => s.renameExperiment);
  const deleteExperiment = useApp((s) => s.deleteExperiment);
  const [editing, setEditing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  const title = name ?? `Experiment #${exp.index}`;
  const what = `${DATASET_SHORT[exp.config.dataset]} ${exp.config.model}: clean${methods ? ` + ${methods}` : ''}`;
  const save = () => {
    if (editing !== null) renameExperiment(exp.id, editing);
    setEditing(null);
  };

  return (
    <li className={selected ? 'selected' : ''} data-testid="saved-experiment" data-id={exp.id}>
      {editing === null ? (
        <button
          type="button"
          className="name"
          aria-pressed={selected}
          aria-label={`Show ${title}`}
          onClick={() => selectExperiment(exp.id)}
        >
          {title}
        </button>
      ) : (
        <input
          type="text"
          autoFocus
          aria-label={`New name for ${title}`}
          value={editing}
          maxLength={80}
          onChange={(e) => setEditing(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') save();
            if (e.key === 'Escape') setEditing(null);
          }}
        />
      )}
      <span className="muted small">
        {what} · {status}
      </span>
      {interrupted && <span className="interrupted">interrupted</span>}
      {editing === null ? (
        <button type="button" aria-label={`Rename ${title}`} onClick={() => setEditing(title)}>
          Rename
        </button>
      ) : (
        <button type="button" aria-label={`Save the name of ${title}`} onClick={save}>
          Save
        </button>
      )}
      {confirming ? (
        <>
          <button
            type="button"
            autoFocus
            aria-label={`Really delete ${title}`}
            onClick={() => deleteExperiment(exp.id)}
          >
            Delete for good
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </>
      ) : (
        <button type="button" aria-label={`Delete ${title}`} onClick={() => setConfirming(true)}>
          Delete
        </button>
      )}
    </li>
  );
}
