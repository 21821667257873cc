/** The defence select under the poison list: none or one defence, applied to every run. */
import {
  DEFENCE_IDS,
  DEFENCES,
  DefenceSettingsSchema,
  defaultDefence,
  isDefenceId,
  type DefenceSettings,
} from '../../core/defence-types';
import { useApp } from '../../store';
import { NumInput } from '../common/NumInput';

/** The one editable parameter of a defence, if it has one shown here. */
const PARAM: Partial<
  Record<DefenceSettings['id'], { key: string; label: string; step: number; unit: string }>
> = {
  jpeg: { key: 'quality', label: 'Quality', step: 5, unit: '' },
  bitdepth: { key: 'bits', label: 'Bits', step: 1, unit: '' },
  blur: { key: 'sigma', label: 'Sigma', step: 0.25, unit: 'px' },
  cutout: { key: 'size', label: 'Size', step: 1, unit: 'px' },
  mixup: { key: 'alpha', label: 'Alpha', step: 0.1, unit: '' },
  adv: { key: 'eps', label: 'Eps', step: 0.01, unit: 'L\u221e' },
};

export function DefencePicker() {
  const defence = useApp((s) => s.defence);
  const setDefence = useApp((s) => s.setDefence);
  const param = defence ? PARAM[defence.id] : undefined;
  const invalid = defence !== null && !DefenceSettingsSchema.safeParse(defence).success;
  const value = defence && param ? (defence as Record<string, unknown>)[param.key] : undefined;
  return (
    <div className="poison-shared defence">
      <label className="field inline">
        <span title="applied to every run of the experiment, the clean run included">Defence</span>
        <select
          data-testid="defence"
          value={defence?.id ?? 'none'}
          onChange={(e) => {
            const id = e.target.value;
            setDefence(isDefenceId(id) ? defaultDefence(id) : null);
          }}
        >
          <option value="none">none</option>
          {DEFENCE_IDS.map((id) => (
            <option key={id} value={id} title={DEFENCES[id].description}>
              {DEFENCES[id].name}
              {DEFENCES[id].costly ? ' (costly)' : ''}
            </option>
          ))}
        </select>
      </label>
      {defence && param && typeof value === 'number' && (
        <label className={`field inline ${invalid ? 'invalid' : ''}`}>
          <span>{param.label}</span>
          <NumInput
            value={value}
            onChange={(v) => {
              const next = { ...defence, [param.key]: v } as DefenceSettings;
              // Adversarial training keeps its step size at eps / 2.
              setDefence(next.id === 'adv' ? { ...next, stepSize: v / 2 } : next);
            }}
            testId="defence-param"
            label={`defence ${param.label.toLowerCase()}`}
            step={param.step}
            invalid={invalid}
            className="short"
          />
          {param.unit && <span>{param.unit}</span>}
        </label>
      )}
      {defence && DEFENCES[defence.id].costly && (
        <span className="muted small" title={DEFENCES[defence.id].description}>
          costly: {defence.id === 'adv' ? `${defence.steps} extra passes per batch` : 'slow'}
        </span>
      )}
    </div>
  );
}
