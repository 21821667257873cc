/** A numeric setting: keeps what the user typed, stores the parsed number, shows the rule. */
import { useState } from 'react';
import {
  FIELD_LABELS,
  FIELD_UNITS,
  fieldRange,
  rangeText,
  type NumericField,
} from '../../store/config-fields';

interface Props {
  field: NumericField;
  value: number;
  error: string | undefined;
  onChange: (value: number) => void;
}

export function NumberField({ field, value, error, onChange }: Props) {
  const [draft, setDraft] = useState(String(value));
  const [seen, setSeen] = useState(value);
  // The value changed elsewhere (reset): show it, unless it is the NaN of a half-typed entry.
  if (!Object.is(value, seen)) {
    setSeen(value);
    if (!Number.isNaN(value)) setDraft(String(value));
  }
  const range = fieldRange(field);
  const unit = FIELD_UNITS[field];
  const id = `cfg-${field}`;
  return (
    <label className={`field ${error ? 'invalid' : ''}`} htmlFor={id} title={`${rangeText(field)}`}>
      <span>
        {FIELD_LABELS[field]}
        {unit && <span className="unit"> ({unit})</span>}
      </span>
      <input
        id={id}
        data-testid={id}
        type="number"
        inputMode="decimal"
        step={range.integer ? 1 : 'any'}
        min={range.min}
        max={range.max}
        value={draft}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-err` : undefined}
        onChange={(e) => {
          const text = e.target.value;
          const v = text.trim() === '' ? Number.NaN : Number(text);
          setDraft(text);
          setSeen(v);
          onChange(v);
        }}
      />
      {error && (
        <span className="field-error" id={`${id}-err`}>
          {error}
        </span>
      )}
    </label>
  );
}
