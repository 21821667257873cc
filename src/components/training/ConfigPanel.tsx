/**
 * Left column, first card: data set, model, subset sizes and epochs in view; the SGD settings
 * (batch, rate, momentum, weight decay, seed) folded away. Then the poison and SAL cards.
 */
import './training.css';
import { useMemo } from 'react';
import { DATASETS, MODELS, type DatasetName, type ModelName } from '../../core/train-config';
import { selectBusy, useApp } from '../../store';
import {
  configErrors,
  DATASET_LABELS,
  FIELD_LABELS,
  MODEL_LABELS,
  NUMERIC_FIELDS,
} from '../../store/config-fields';
import { NumberField } from '../common/NumberField';
import { PoisonPanel } from '../poisons/PoisonPanel';
import { SalPanel } from '../learnability/SalPanel';

const SHOWN = NUMERIC_FIELDS.slice(0, 2);
const FOLDED = NUMERIC_FIELDS.slice(3);

export function ConfigPanel() {
  const config = useApp((s) => s.config);
  const busy = useApp(selectBusy);
  const startError = useApp((s) => s.startError);
  const setConfig = useApp((s) => s.setConfig);
  const resetConfig = useApp((s) => s.resetConfig);
  const errors = useMemo(() => configErrors(config), [config]);
  const field = (f: (typeof NUMERIC_FIELDS)[number]) => (
    <NumberField
      key={f}
      field={f}
      value={config[f]}
      error={errors[f]}
      onChange={(v) => setConfig({ [f]: v })}
    />
  );
  const foldedError = FOLDED.some((f) => errors[f]);

  return (
    <>
      <section className="card config" aria-labelledby="config-h">
        <h2 id="config-h">Data and training</h2>
        <fieldset disabled={busy}>
          <div className="field-grid">
            <label className="field" htmlFor="cfg-dataset">
              <span>{FIELD_LABELS.dataset}</span>
              <select
                id="cfg-dataset"
                data-testid="cfg-dataset"
                value={config.dataset}
                onChange={(e) => setConfig({ dataset: e.target.value as DatasetName })}
              >
                {DATASETS.map((d) => (
                  <option key={d} value={d}>
                    {DATASET_LABELS[d]}
                  </option>
                ))}
              </select>
            </label>
            {field('epochs')}
          </div>
          <label className="field" htmlFor="cfg-model">
            <span>{FIELD_LABELS.model}</span>
            <select
              id="cfg-model"
              data-testid="cfg-model"
              value={config.model}
              onChange={(e) => setConfig({ model: e.target.value as ModelName })}
            >
              {MODELS.map((m) => (
                <option key={m} value={m}>
                  {MODEL_LABELS[m]}
                </option>
              ))}
            </select>
          </label>
          <div className="field-grid">{SHOWN.map(field)}</div>
          <details className="fold" open={foldedError || undefined}>
            <summary>SGD: batch, rate, momentum, decay, seed</summary>
            <div className="field-grid">{FOLDED.map(field)}</div>
          </details>
        </fieldset>
      </section>
      <PoisonPanel busy={busy} />
      <SalPanel busy={busy} />
      <div className="left-foot">
        <button type="button" className="link-button" onClick={resetConfig} disabled={busy}>
          Reset all settings to defaults
        </button>
        {busy && <p className="muted small">Settings are locked while the experiment trains.</p>}
        {startError && (
          <p className="error small" role="alert">
            {startError}
          </p>
        )}
      </div>
    </>
  );
}
