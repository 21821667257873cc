/** A colour legend for landscapes: the gradient with ticks in loss units and the unit named. */
import '../common/common.css';
import { divergingGradient, viridisGradient } from '../../scene/colormap';
import { niceTicks } from '../../scene/heatmap-data';

const VIRIDIS = viridisGradient();
const DIVERGING = divergingGradient();

interface Props {
  /** Domain in drawn units (log10 of the loss on a log scale). */
  domain: readonly [number, number];
  log: boolean;
  kind: 'loss' | 'difference';
  unit: string;
}

export function LandscapeLegend({ domain, log, kind, unit }: Props) {
  const [lo, hi] = domain;
  const span = hi - lo || 1;
  const ticks = niceTicks(lo, hi, 4).filter((t) => t >= lo && t <= hi);
  const fmt = (t: number) => {
    const v = log && kind === 'loss' ? 10 ** t : t;
    return Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(2)).toString();
  };
  return (
    <div className="scale-legend" data-testid={`landscape-legend-${kind}`}>
      <span className="legend-unit">{unit}</span>
      <div className="legend-track">
        <div className="legend-bar" style={{ background: kind === 'loss' ? VIRIDIS : DIVERGING }} />
        <div className="legend-ticks">
          {ticks.map((t) => (
            <span key={t} style={{ left: `${((t - lo) / span) * 100}%` }}>
              {fmt(t)}
            </span>
          ))}
        </div>
      </div>
    </div>
  );
}
