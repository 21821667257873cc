/**
 * The runs of the selected experiment as a compact legend: a line in each run's colour and its
 * name, marked when the run did not train (its curve at chance is a breakdown, not a result).
 */
import { runBreakdown, selectExperimentRuns, useApp } from '../../store';
import { runLabel } from '../../store/poison-config';
import { DidNotTrainMark } from '../common/DidNotTrain';

export function RunLegend() {
  const runs = useApp(selectExperimentRuns);
  return (
    <span className="run-legend" data-testid="run-legend">
      {runs.map((r) => {
        const broke = runBreakdown(r);
        return (
          <span key={r.id}>
            <span className="swatch" style={{ background: r.color }} aria-hidden />
            {runLabel(r.method)}
            {broke.reason && (
              <>
                {' '}
                (<DidNotTrainMark reason={broke.reason} />)
              </>
            )}
          </span>
        );
      })}
    </span>
  );
}
