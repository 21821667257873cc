/** The two live charts: loss per step of the selected run, accuracy per epoch of all runs. */
import 'uplot/dist/uPlot.min.css';
import './training.css';
import { AccuracyChart } from './AccuracyChart';
import { LossChart } from './LossChart';

export function TrainingCharts() {
  return (
    <div className="charts">
      <LossChart />
      <AccuracyChart />
    </div>
  );
}
