/** Chooses which run the status, the loss chart and the sample grid show. */
import { useApp } from '../store';
import { DATASET_SHORT } from '../store/config-fields';

export function RunPicker() {
  const order = useApp((s) => s.runOrder);
  const runs = useApp((s) => s.runs);
  const selected = useApp((s) => s.selectedRunId);
  const select = useApp((s) => s.selectRun);
  if (order.length < 2) return null;
  return (
    <label className="field inline run-picker">
      <span>Show</span>
      <select value={selected ?? ''} onChange={(e) => select(e.target.value)}>
        {[...order].reverse().map((id) => {
          const r = runs[id];
          if (!r) return null;
          return (
            <option key={id} value={id}>
              #{r.index} {DATASET_SHORT[r.config.dataset]} {r.config.model} ({r.status})
            </option>
          );
        })}
      </select>
    </label>
  );
}
