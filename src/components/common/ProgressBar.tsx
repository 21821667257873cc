/** A thin progress bar with an accessible value. */
import './common.css';
export function ProgressBar({
  fraction,
  label,
  color,
}: {
  fraction: number;
  label: string;
  color?: string;
}) {
  const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuenow={pct}
      aria-valuemin={0}
      aria-valuemax={100}
    >
      <div className="progress-fill" style={{ width: `${pct}%`, background: color }} />
    </div>
  );
}
