/** One poison method in the list: toggle, colour swatch, short name, budget with its norm. */
import { POISON_METHODS, type PoisonMethodId } from '../../core/poison-types';
import type { DatasetName } from '../../core/train-config';
import { useApp } from '../../store';
import { METHOD_COLORS } from '../../store/palette';
import {
  budgetRule,
  methodEps,
  METHOD_SHORT,
  NORM_LABELS,
  NORM_MEANING,
  noteSentence,
} from '../../store/poison-config';
import { NumInput } from '../common/NumInput';

interface Props {
  method: PoisonMethodId;
  dataset: DatasetName;
  invalid: boolean;
}

export function MethodRow({ method, dataset, invalid }: Props) {
  const on = useApp((s) => s.poison.methods.includes(method));
  const eps = useApp((s) => methodEps(s.poison, method, dataset));
  const toggle = useApp((s) => s.toggleMethod);
  const setEps = useApp((s) => s.setMethodEps);
  const info = POISON_METHODS[method];
  const id = `poison-${method}`;
  const def = info.defaultEps[dataset];
  const norm = NORM_LABELS[info.norm];
  const title = [
    info.name,
    info.description,
    info.reduced ? noteSentence(info.reduced) : '',
    info.departure ? noteSentence(info.departure) : '',
    info.needsCleanModel ? 'Attacks the clean run of the experiment once it has trained.' : '',
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <li className={`method-row ${on ? 'on' : ''}`} title={title}>
      <label className="method-toggle" htmlFor={id}>
        <input
          id={id}
          data-testid={id}
          type="checkbox"
          checked={on}
          onChange={(e) => toggle(method, e.target.checked)}
        />
        <span className="swatch" style={{ background: METHOD_COLORS[method] }} aria-hidden />
        <span className="method-name">{METHOD_SHORT[method]}</span>
      </label>
      <span className={`budget ${invalid ? 'invalid' : ''}`}>
        <span className="norm" title={NORM_MEANING[info.norm]}>
          {norm}
        </span>
        <NumInput
          value={eps}
          onChange={(v) => setEps(method, v)}
          testId={`eps-${method}`}
          label={`${METHOD_SHORT[method]} budget (${norm})`}
          title={`Budget in ${norm}: ${NORM_MEANING[info.norm]}. Enter ${budgetRule(method)}; default for ${dataset}: ${def.toFixed(info.norm === 'l0' ? 0 : 2)}.`}
          min={info.norm === 'l0' ? 1 : 0}
          max={info.norm === 'linf' ? 1 : 1000}
          step={info.norm === 'l0' ? 1 : 'any'}
          invalid={invalid}
        />
      </span>
    </li>
  );
}
