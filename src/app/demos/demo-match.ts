/**
 * Which pretrained demo serves the current settings: the same TrainConfig, SAL on with the same
 * settings (or off in both), the same defence, poison ratio and seed, and every toggled method
 * present in the demo at the budget it was built with. Pure; tested in Node.
 */
import type { DefenceSettings } from '../../core/defence-types';
import type { PoisonMethodId } from '../../core/poison-types';
import type { SalSettings } from '../../core/sal-types';
import { TRAIN_DEFAULTS, type TrainConfig } from '../../core/train-config';
import type { DemoIndex, DemoIndexEntry, DemoSettings } from './demo-file';
import { methodEps } from '../../store/poison-config';
import type { ConfigSlice, Experiment } from '../../store/types';
import type { RunState } from '../../store/reducers/run-state';

/** The settings a demo is matched against. */
export type MatchSettings = Pick<ConfigSlice, 'config' | 'poison' | 'salOn' | 'salSettings'> & {
  defence: DefenceSettings | null;
};

/** A demo that serves the settings, and the methods toggled (its runs to show). */
export interface DemoMatch {
  entry: DemoIndexEntry;
  methods: PoisonMethodId[];
}

const CONFIG_KEYS = Object.keys(TRAIN_DEFAULTS) as (keyof TrainConfig)[];

/** Same value of every field of a TrainConfig. */
export const sameConfig = (a: TrainConfig, b: TrainConfig): boolean =>
  CONFIG_KEYS.every((k) => a[k] === b[k]);

/** Same SAL settings (null: SAL off). */
export function sameSal(a: SalSettings | null, b: SalSettings | null): boolean {
  if (a === null || b === null) return a === b;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof SalSettings>;
  return [...keys].every((k) => a[k] === b[k]);
}

/** Same defence and parameters (null: none). */
export function sameDefence(a: DefenceSettings | null, b: DefenceSettings | null): boolean {
  if (a === null || b === null) return a === b;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  return [...keys].every((k) => ra[k] === rb[k]);
}

/** True when the demo holds the runs these settings would train. */
export function demoServes(d: DemoSettings, methods: readonly PoisonMethodId[], s: MatchSettings) {
  const have = new Set(Object.keys(d.eps));
  return (
    sameConfig(d.config, s.config) &&
    sameSal(d.sal, s.salOn ? s.salSettings : null) &&
    sameDefence(d.defence, s.defence) &&
    (s.poison.methods.length === 0 ||
      (d.ratio === s.poison.ratio &&
        d.seed === s.poison.seed &&
        s.poison.methods.every(
          (m) =>
            methods.includes(m) &&
            have.has(m) &&
            d.eps[m] === methodEps(s.poison, m, s.config.dataset),
        )))
  );
}

/** The first demo of the index that serves the settings, or null. */
export function matchDemo(index: DemoIndex, s: MatchSettings): DemoMatch | null {
  const entry = index.demos.find((d) => demoServes(d.settings, d.methods, s));
  return entry ? { entry, methods: [...s.poison.methods] } : null;
}

/**
 * True when an experiment of the session already stands for these settings: same config, SAL
 * and defence, and the same methods at the same budgets, ratio and seed.
 */
export function experimentServes(
  e: Experiment,
  runs: Readonly<Record<string, RunState>>,
  s: MatchSettings,
): boolean {
  if (!sameConfig(e.config, s.config)) return false;
  if (!sameSal(e.sal, s.salOn ? s.salSettings : null)) return false;
  if (!sameDefence(e.defence ?? null, s.defence)) return false;
  const poisoned = e.poisonedRunIds.map((id) => runs[id]);
  if (poisoned.length !== s.poison.methods.length) return false;
  return poisoned.every((r, i) => {
    const p = r?.poisonSettings;
    const m = s.poison.methods[i]!;
    return (
      !!p &&
      p.method === m &&
      p.ratio === s.poison.ratio &&
      p.seed === s.poison.seed &&
      p.eps === methodEps(s.poison, m, s.config.dataset)
    );
  });
}
