/** Right column, "Learnability": a UD card per poisoned run, the SAL heatmaps, the drill-down. */
import './learnability.css';
import { selectCleanRun, selectExperimentRuns, useApp } from '../../store';
import { FilterDrilldown } from './FilterDrilldown';
import { SalHeatmaps } from './SalHeatmaps';
import { UdCard } from './UdCard';

export function LearnabilityPanel() {
  const clean = useApp(selectCleanRun);
  const runs = useApp(selectExperimentRuns);
  const focusedId = useApp((s) => s.focusedRunId);
  const poisoned = runs.filter((r) => r.method !== null);
  return (
    <>
      <h2 className="col-title">Learnability</h2>
      {!clean && (
        <p className="card muted">
          After training, each poisoned run gets an Unlearnable Distance (UD) card, and the SAL of
          every layer after every epoch appears as a heatmap, clean next to poisoned.
        </p>
      )}
      {clean && poisoned.length === 0 && (
        <p className="card muted small">
          No poison was toggled, so there is no UD to compute: the heatmap shows the clean run
          alone.
        </p>
      )}
      {clean && poisoned.length > 0 && (
        <div className="ud-cards">
          {poisoned.map((r) => (
            <UdCard key={r.id} clean={clean} run={r} focused={r.id === focusedId} />
          ))}
        </div>
      )}
      <SalHeatmaps />
      <FilterDrilldown />
    </>
  );
}
