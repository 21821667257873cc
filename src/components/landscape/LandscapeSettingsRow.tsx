/** The surface settings: grid, range, seed, images, data, bias directions and log scale. */
import {
  GRID_MAX,
  GRID_MIN,
  LANDSCAPE_DATA,
  LANDSCAPE_DATA_LABELS,
} from '../../core/landscape-types';
import { appStore, useApp } from '../../store';
import { NumInput } from '../common/NumInput';

export function LandscapeSettingsRow({ error }: { error: string | null }) {
  const s = useApp((st) => st.landscapeSettings);
  const log = useApp((st) => st.landscapeLogScale);
  const set = appStore.getState().setLandscapeSettings;
  return (
    <div className="landscape-settings" data-testid="landscape-settings">
      <label className="field inline" title={`points per axis, ${GRID_MIN}-${GRID_MAX}`}>
        <span>grid</span>
        <NumInput
          value={s.grid}
          min={GRID_MIN}
          max={GRID_MAX}
          step={1}
          label="grid points per axis"
          testId="landscape-grid"
          invalid={!Number.isInteger(s.grid) || s.grid < GRID_MIN || s.grid > GRID_MAX}
          onChange={(v) => set({ grid: v })}
        />
      </label>
      <label className="field inline" title="the grid spans [-range, range] in direction units">
        <span>range ±</span>
        <NumInput
          value={s.range}
          min={0.01}
          max={10}
          step={0.1}
          label="range of the grid in direction units"
          testId="landscape-range"
          onChange={(v) => set({ range: v })}
        />
      </label>
      <label className="field inline" title="seed of the random directions">
        <span>seed</span>
        <NumInput
          value={s.seed}
          min={0}
          step={1}
          label="seed of the random directions"
          onChange={(v) => set({ seed: v })}
        />
      </label>
      <label
        className="field inline"
        title="images the loss is measured on (the first N of the set)"
      >
        <span>images</span>
        <NumInput
          value={s.limit}
          min={16}
          max={10000}
          step={1}
          label="number of images the loss is measured on"
          onChange={(v) => set({ limit: v })}
        />
      </label>
      <label className="field inline">
        <span>data</span>
        <select
          value={s.data}
          aria-label="images the loss is measured on"
          data-testid="landscape-data"
          onChange={(e) => set({ data: e.target.value as (typeof LANDSCAPE_DATA)[number] })}
        >
          {LANDSCAPE_DATA.map((d) => (
            <option key={d} value={d}>
              {LANDSCAPE_DATA_LABELS[d]}
            </option>
          ))}
        </select>
      </label>
      <label
        className="check"
        title="Off (the usual choice): biases keep their trained values along both directions"
      >
        <input
          type="checkbox"
          checked={s.includeBiases}
          onChange={(e) => set({ includeBiases: e.target.checked })}
        />{' '}
        move biases too
      </label>
      <label className="check" title="heights and colours on a log10 scale of the loss">
        <input
          type="checkbox"
          checked={log}
          data-testid="landscape-log"
          onChange={(e) => appStore.getState().setLandscapeLogScale(e.target.checked)}
        />{' '}
        log scale
      </label>
      {error && <span className="field-error">{error}</span>}
    </div>
  );
}
