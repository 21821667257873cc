/** The calibration behind an automatic backend choice: measured ms per step and per batch. */
import { useApp } from '../../store';

const ms = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(1)} ms`);

export function CalibrationFigures() {
  const cal = useApp((s) => s.backend?.calibration);
  if (!cal) return null;
  return (
    <div className="calibration" data-testid="calibration">
      <p className="muted">
        Calibrated in {Math.round(cal.ms)} ms on this machine: training on{' '}
        <b>{cal.train.toUpperCase()}</b>, evaluation fastest on <b>{cal.eval.toUpperCase()}</b>.
      </p>
      <table>
        <thead>
          <tr>
            <th>backend</th>
            <th title="one SGD step of cnn-s on 32 images">train step</th>
            <th title="loss of cnn-s on 256 images">eval batch</th>
          </tr>
        </thead>
        <tbody>
          {cal.figures.map((f) => (
            <tr key={f.backend} title={f.note}>
              <td>{f.backend.toUpperCase()}</td>
              <td>{ms(f.trainMsPerStep)}</td>
              <td>{ms(f.evalMsPerBatch)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
