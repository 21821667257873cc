/** The settings slice: the form being edited, poison, SAL and defence choices, the backend asked for. */
import type { DefenceSettings } from '../../core/defence-types';
import type { PoisonMethodId } from '../../core/poison-types';
import type { BackendPreference } from '../../core/run-types';
import type { SalSettings } from '../../core/sal-types';
import type { TrainConfig } from '../../core/train-config';
import type { PoisonConfig } from '../poison-config';

/** The settings being edited and the backend the user asked for. */
export interface ConfigSlice {
  /** May hold invalid values while the user types; validated on start. */
  config: TrainConfig;
  /** Toggled poison methods, their budgets, the shared ratio and seed. */
  poison: PoisonConfig;
  /** SAL after every epoch of every run (default on). */
  salOn: boolean;
  salSettings: SalSettings;
  /** A defence applied to every run of the next experiment (null: none). */
  defence: DefenceSettings | null;
  backendPreference: BackendPreference;
  /** Merges `patch` into the configuration and clears a previous start error. */
  setConfig(patch: Partial<TrainConfig>): void;
  /** Toggles a method on or off (`on` omitted: flips it). */
  toggleMethod(method: PoisonMethodId, on?: boolean): void;
  /** Sets a method's budget in its own norm (NaN while half typed). */
  setMethodEps(method: PoisonMethodId, eps: number): void;
  /** Sets the shared poison ratio (0..1) and / or seed. */
  setPoison(patch: Partial<Pick<PoisonConfig, 'ratio' | 'seed'>>): void;
  setSalOn(on: boolean): void;
  /** Chooses the defence (null: none); its parameters use their defaults unless given. */
  setDefence(defence: DefenceSettings | null): void;
  setSalSettings(patch: Partial<SalSettings>): void;
  /** Restores every default: training, poison and SAL settings. */
  resetConfig(): void;
  /**
   * Stores the preference and re-initialises the worker's backend. Refused (returns false)
   * while a run is active, because the backend cannot change under a training run.
   */
  setBackendPreference(pref: BackendPreference): boolean;
}
