/**
 * What the cross-task view draws, from a cross-task result: one row per task head (clean vs
 * poisoned quality, change, UD with its spread over epochs) and SAL heatmaps per head. Pure.
 */
import { HEAD_TASK_INFO, type HeadTask } from '../../core/tasks';
import type { UdResult } from '../../core/ud';
import type { CrossTaskResult } from '../../core/cross-task-types';

export type { CrossTaskResult };
import type { SalSeries } from '../reducers/run-state';

export interface CrossTaskRow {
  /** Model label ("rotation model", "multi-task model"). */
  model: string;
  head: HeadTask;
  task: string;
  metric: string;
  clean: number;
  poisoned: number | null;
  chance: number;
  ud: number | null;
  udWhy: string | null;
  /** Min and max of the per-epoch UD (learnable layers poisoned / clean per epoch). */
  spread: [number, number] | null;
  multi: boolean;
}

/** Per-epoch UD values: #learnable poisoned / #learnable clean, epochs with a clean one. */
export function udPerEpoch(u: UdResult): number[] {
  const out: number[] = [];
  u.learnableClean.forEach((row, t) => {
    const c = row.filter(Boolean).length;
    const p = (u.learnablePoisoned[t] ?? []).filter(Boolean).length;
    if (c > 0) out.push(p / c);
  });
  return out;
}

/** The table rows, single-task models first, then the multi-task model's heads. */
export function crossTaskRows(r: CrossTaskResult): CrossTaskRow[] {
  return r.outcomes.map((o) => {
    const per = o.ud ? udPerEpoch(o.ud) : [];
    return {
      model: o.model === 'multi' ? 'multi-task (shared trunk)' : `${o.model} model`,
      head: o.head,
      task: HEAD_TASK_INFO[o.head].label,
      metric: o.metric === 'iou' ? 'test IoU' : 'test accuracy',
      clean: o.clean,
      poisoned: o.poisoned,
      chance: r.chance[o.head],
      ud: o.ud?.ud ?? null,
      udWhy: o.ud && o.ud.ud === null ? (o.ud.undefinedReason ?? 'undefined') : null,
      spread: per.length > 0 ? [Math.min(...per), Math.max(...per)] : null,
      multi: o.model === 'multi',
    };
  });
}

/** SAL of the trunk for one head of one task model and variant, as a heatmap series. */
export function taskSalSeries(
  r: CrossTaskResult,
  model: string,
  head: HeadTask,
  variant: 'clean' | 'poisoned',
): SalSeries | null {
  const run = r.runs.find((x) => x.task === model && x.variant === variant);
  const rec = run?.sal[head];
  if (!rec) return null;
  return {
    layers: rec.layers,
    epochs: rec.values.map((_, t) => t + 1),
    values: rec.values,
    up: rec.up,
    down: rec.down,
    l0: rec.l0 ?? rec.values.map(() => Number.NaN),
    seconds: rec.values.map(() => Number.NaN),
  };
}
