/** A bare number input that keeps what the user typed and reports the parsed number (NaN if empty). */
import { useState } from 'react';

interface Props {
  value: number;
  onChange: (value: number) => void;
  id?: string;
  testId?: string;
  min?: number;
  max?: number;
  step?: number | 'any';
  invalid?: boolean;
  title?: string;
  label?: string;
  className?: string;
}

export function NumInput(p: Props) {
  const [draft, setDraft] = useState(String(p.value));
  const [seen, setSeen] = useState(p.value);
  // The value changed elsewhere (reset, data set): show it, unless it is a half-typed NaN.
  if (!Object.is(p.value, seen)) {
    setSeen(p.value);
    if (!Number.isNaN(p.value)) setDraft(String(p.value));
  }
  return (
    <input
      id={p.id}
      data-testid={p.testId}
      className={p.className}
      type="number"
      inputMode="decimal"
      min={p.min}
      max={p.max}
      step={p.step ?? 'any'}
      value={draft}
      title={p.title}
      aria-label={p.label}
      aria-invalid={p.invalid ? true : undefined}
      onChange={(e) => {
        const text = e.target.value;
        const v = text.trim() === '' ? Number.NaN : Number(text);
        setDraft(text);
        setSeen(v);
        p.onChange(v);
      }}
    />
  );
}
