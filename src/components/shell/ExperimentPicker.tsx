/** Chooses which experiment the views show (earlier experiments are kept). */
import { experimentRuns, experimentStatus, useApp } from '../../store';
import { DATASET_SHORT } from '../../store/config-fields';
import { runLabel } from '../../store/poison-config';

export function ExperimentPicker() {
  const order = useApp((s) => s.experimentOrder);
  const experiments = useApp((s) => s.experiments);
  const runs = useApp((s) => s.runs);
  const selected = useApp((s) => s.selectedExperimentId);
  const select = useApp((s) => s.selectExperiment);
  if (order.length < 2) return null;
  return (
    <label className="field inline run-picker">
      <span>Show</span>
      <select value={selected ?? ''} onChange={(e) => select(e.target.value)}>
        {[...order].reverse().map((id) => {
          const e = experiments[id];
          if (!e) return null;
          const rs = experimentRuns({ runs }, e);
          const methods = rs.filter((r) => r.method !== null).map((r) => runLabel(r.method));
          return (
            <option key={id} value={id}>
              #{e.index} {DATASET_SHORT[e.config.dataset]} {e.config.model}: clean
              {methods.length ? ` + ${methods.join(', ')}` : ''} ({experimentStatus(rs)})
            </option>
          );
        })}
      </select>
    </label>
  );
}
