/** Left column: the poison methods as toggles with budgets, the shared ratio and seed. */
import './poisons.css';
import { useMemo } from 'react';
import { POISON_METHOD_IDS, PoisonSettingsSchema } from '../../core/poison-types';
import { useApp } from '../../store';
import { poisonSettingsFor } from '../../store/poison-config';
import { DefencePicker } from './DefencePicker';
import { MethodRow } from './MethodRow';
import { NumInput } from '../common/NumInput';

export function PoisonPanel({ busy }: { busy: boolean }) {
  const poison = useApp((s) => s.poison);
  const dataset = useApp((s) => s.config.dataset);
  const setPoison = useApp((s) => s.setPoison);
  const invalid = useMemo(
    () =>
      new Set(
        POISON_METHOD_IDS.filter(
          (m) => !PoisonSettingsSchema.safeParse(poisonSettingsFor(poison, m, dataset)).success,
        ),
      ),
    [poison, dataset],
  );
  const n = poison.methods.length;
  const ratioBad = !(poison.ratio >= 0 && poison.ratio <= 1);
  return (
    <section className="card poison" aria-labelledby="poison-h">
      <h2 id="poison-h">
        Poisons{' '}
        <span className="muted small">
          {n === 0 ? 'none: clean run only' : `${n} poisoned run${n === 1 ? '' : 's'} + clean`}
        </span>
      </h2>
      <fieldset disabled={busy}>
        <ul className="method-list" data-testid="method-list">
          {POISON_METHOD_IDS.map((m) => (
            <MethodRow key={m} method={m} dataset={dataset} invalid={invalid.has(m)} />
          ))}
        </ul>
        <DefencePicker />
        <div className="poison-shared">
          <label className={`field inline ${ratioBad ? 'invalid' : ''}`}>
            <span title="share of the training images that get the perturbation">Poisoned</span>
            <NumInput
              value={Math.round(poison.ratio * 1000) / 10}
              onChange={(v) => setPoison({ ratio: v / 100 })}
              testId="poison-ratio"
              label="poison ratio in percent"
              min={0}
              max={100}
              step={5}
              invalid={ratioBad}
              className="short"
            />
            <span>%</span>
          </label>
          <label className="field inline">
            <span title="seed of the noise and of which images are poisoned">Seed</span>
            <NumInput
              value={poison.seed}
              onChange={(v) => setPoison({ seed: v })}
              testId="poison-seed"
              label="poison seed"
              min={0}
              step={1}
              className="short"
            />
          </label>
        </div>
      </fieldset>
    </section>
  );
}
