/** Left column: SAL after every epoch on / off, and its settings folded away. */
import './learnability.css';
import { useApp } from '../../store';
import { fmtSalSettings, SAL_FIELDS } from '../../store/poison-config';
import { NumInput } from '../common/NumInput';

export function SalPanel({ busy }: { busy: boolean }) {
  const on = useApp((s) => s.salOn);
  const sal = useApp((s) => s.salSettings);
  const setOn = useApp((s) => s.setSalOn);
  const setSal = useApp((s) => s.setSalSettings);
  return (
    <section className="card sal-settings" aria-labelledby="sal-h">
      <fieldset disabled={busy}>
        <label className="method-toggle" htmlFor="sal-on">
          <input
            id="sal-on"
            data-testid="sal-on"
            type="checkbox"
            checked={on}
            onChange={(e) => setOn(e.target.checked)}
          />
          <h2 id="sal-h">SAL after every epoch</h2>
        </label>
        <details className="fold">
          <summary title={fmtSalSettings(sal)}>
            {on ? fmtSalSettings(sal) : 'off: no heatmaps and no UD'}
          </summary>
          <div className="field-grid">
            {SAL_FIELDS.map((f) => (
              <label key={f.key} className="field" htmlFor={`sal-${f.key}`}>
                <span>
                  {f.label}
                  {f.unit && <span className="unit"> ({f.unit})</span>}
                </span>
                <NumInput
                  id={`sal-${f.key}`}
                  testId={`sal-${f.key}`}
                  value={sal[f.key]}
                  onChange={(v) => setSal({ [f.key]: v })}
                  min={f.min}
                  max={f.max}
                  step={f.integer ? 1 : 'any'}
                  invalid={!(sal[f.key] > f.min || (f.integer && sal[f.key] === f.min))}
                />
              </label>
            ))}
          </div>
          <p className="muted small">
            Each epoch, every weight layer gets K rounds of descent and ascent within a radius of
            eps times its norm, on the first images of the run&apos;s own training set.
          </p>
        </details>
      </fieldset>
    </section>
  );
}
