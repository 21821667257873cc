/** Left column, "Data and training": data set, model, subset sizes and the SGD settings. */
import { useMemo } from 'react';
import { DATASETS, MODELS, type DatasetName, type ModelName } from '../core/train-config';
import { selectBusy, useApp } from '../store';
import {
  configErrors,
  DATASET_LABELS,
  FIELD_LABELS,
  MODEL_LABELS,
  NUMERIC_FIELDS,
} from '../store/config-fields';
import { NumberField } from './NumberField';

export function ConfigPanel() {
  const config = useApp((s) => s.config);
  const busy = useApp(selectBusy);
  const startError = useApp((s) => s.startError);
  const setConfig = useApp((s) => s.setConfig);
  const resetConfig = useApp((s) => s.resetConfig);
  const errors = useMemo(() => configErrors(config), [config]);

  return (
    <section className="card config" aria-labelledby="config-h">
      <h2 id="config-h">Data and training</h2>
      <fieldset disabled={busy}>
        <label className="field wide" htmlFor="cfg-dataset">
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
        <label className="field wide" htmlFor="cfg-model">
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
        <div className="field-grid">
          {NUMERIC_FIELDS.map((f) => (
            <NumberField
              key={f}
              field={f}
              value={config[f]}
              error={errors[f]}
              onChange={(v) => setConfig({ [f]: v })}
            />
          ))}
        </div>
        <button type="button" className="link-button" onClick={resetConfig}>
          Reset to defaults
        </button>
      </fieldset>
      {busy && <p className="muted small">Settings are locked while a run trains.</p>}
      {startError && (
        <p className="error small" role="alert">
          {startError}
        </p>
      )}
    </section>
  );
}
