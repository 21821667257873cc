/** The SAL colour legend: viridis from 0 to the shared maximum, in SAL units, with beta marked. */
import '../common/common.css';
import { viridisGradient, type ColorScale } from '../../scene/colormap';
import { niceTicks } from '../../scene/heatmap-data';
import { fmtSal, fmtTick } from '../../store/derived/heatmap-model';

const GRADIENT = viridisGradient();

export function ScaleLegend({ scale, beta }: { scale: ColorScale; beta: number | null }) {
  const span = scale.max - scale.min || 1;
  const at = (v: number) => `${Math.min(100, Math.max(0, ((v - scale.min) / span) * 100))}%`;
  const ticks = niceTicks(scale.min, scale.max, 4);
  return (
    <div className="scale-legend" data-testid="sal-legend">
      <span className="legend-unit">SAL (loss change)</span>
      <div className="legend-track">
        <div className="legend-bar" style={{ background: GRADIENT }} />
        {beta !== null && (
          <div
            className="legend-beta"
            style={{ left: at(beta) }}
            title={`beta = ${fmtSal(beta)}: cells above it count as learnable (outlined)`}
          >
            <span>β {fmtSal(beta)}</span>
          </div>
        )}
        <div className="legend-ticks">
          {ticks.map((t) => (
            <span key={t} style={{ left: at(t) }}>
              {fmtTick(t)}
            </span>
          ))}
        </div>
      </div>
    </div>
  );
}
