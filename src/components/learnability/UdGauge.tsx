/** A gauge from 0 to beyond 1 (drawn to 2), with 1 = clean marked. */
const MAX = 2;

export function UdGauge({ ud, color }: { ud: number | null; color: string }) {
  const pos = (v: number) => `${(Math.min(MAX, Math.max(0, v)) / MAX) * 100}%`;
  return (
    <div className="ud-gauge" aria-hidden>
      <div className="gauge-track">
        {ud !== null && (
          <div className="gauge-fill" style={{ width: pos(ud), background: color }} />
        )}
        <div className="gauge-one" style={{ left: pos(1) }} />
      </div>
      <div className="gauge-labels">
        <span style={{ left: '0%' }}>0 unlearnable</span>
        <span style={{ left: pos(1) }} className="gauge-one-label">
          1 = clean
        </span>
        <span style={{ left: '100%' }}>{`≥ ${MAX}`}</span>
      </div>
    </div>
  );
}
