/** The runs of the selected experiment as a compact legend: a line in each run's colour and its name. */
import { selectExperimentRuns, useApp } from '../../store';
import { runLabel } from '../../store/poison-config';

export function RunLegend() {
  const runs = useApp(selectExperimentRuns);
  return (
    <span className="run-legend" data-testid="run-legend">
      {runs.map((r) => (
        <span key={r.id}>
          <span className="swatch" style={{ background: r.color }} aria-hidden />
          {runLabel(r.method)}
        </span>
      ))}
    </span>
  );
}
