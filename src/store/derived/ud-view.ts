/**
 * The Unlearnable Distance of a poisoned run against its clean run, as the UD card shows it:
 * over the epochs both runs have SAL for, labelled "running" while either still trains, or
 * said in words when it cannot be computed. The UD itself is `core/ud.ts`; memoised here on
 * the two SAL series so views may call it freely.
 */
import type { SalSettings } from '../../core/sal-types';
import { unlearnableDistance, type UdResult } from '../../core/ud';
import { DID_NOT_TRAIN_ADVICE } from '../../core/breakdown';
import { isActiveStatus, type RunState, type SalSeries } from '../reducers/run-state';
import { runBreakdown } from './breakdown-view';

/** What the UD card shows for one poisoned run. */
export interface UdView {
  /**
   * 'no-sal': SAL was off; 'waiting': no epoch has SAL in both runs yet; 'running': a live
   * estimate; 'final': both runs have finished; 'error': the two runs cannot be compared;
   * 'did-not-train': one of the runs did not train (core/breakdown.ts), so it has no UD.
   */
  state: 'no-sal' | 'waiting' | 'running' | 'final' | 'error' | 'did-not-train';
  /** The UD computation (ud null = undefined, with its reason); null unless running / final. */
  result: UdResult | null;
  /** Epochs the result rests on (both runs truncated to the same epochs). */
  epochs: number;
  /** Epochs the runs were configured for. */
  plannedEpochs: number;
  /** Layers per epoch (weight layers of the model). */
  layers: number;
  /** The SAL settings behind the numbers. */
  settings: SalSettings | null;
  /** Words for the states without a number, and for partial finals ("the poisoned run failed"). */
  message: string | null;
}

const cache = new WeakMap<SalSeries, WeakMap<SalSeries, UdResult | Error>>();

/** UD of two SAL series over their first `epochs` epochs (memoised per pair of series). */
function udOf(clean: SalSeries, poisoned: SalSeries, epochs: number): UdResult | Error {
  let inner = cache.get(clean);
  if (!inner) cache.set(clean, (inner = new WeakMap()));
  const hit = inner.get(poisoned);
  if (hit && (hit instanceof Error || hit.epochs === epochs)) return hit;
  let out: UdResult | Error;
  try {
    out = unlearnableDistance(clean.values, poisoned.values, { epochs });
  } catch (e) {
    out = e as Error;
  }
  inner.set(poisoned, out);
  return out;
}

const sameSettings = (a: SalSettings, b: SalSettings) =>
  a.eps === b.eps &&
  a.lr === b.lr &&
  a.rounds === b.rounds &&
  a.batchSize === b.batchSize &&
  a.subsetSize === b.subsetSize &&
  a.l0Mode === b.l0Mode;

const ended = (r: RunState) =>
  r.status === 'failed' ? 'failed' : r.status === 'cancelled' ? 'was cancelled' : null;

/** UD of `poisoned` against `clean` (both of one experiment), live or final. */
export function udView(clean: RunState, poisoned: RunState): UdView {
  const plannedEpochs = clean.config.epochs;
  const settings = clean.salSettings;
  const base = { result: null, epochs: 0, plannedEpochs, layers: 0, settings };
  if (!settings || !poisoned.salSettings)
    return {
      ...base,
      state: 'no-sal',
      message: 'SAL was off for this experiment: switch it on and train again to see UD.',
    };
  if (!sameSettings(settings, poisoned.salSettings))
    return { ...base, state: 'error', message: 'the two runs used different SAL settings.' };
  // A run that did not train has learnt nothing, poison or not: its SAL says nothing about the
  // poison, and a clean run that did not train leaves no yardstick for any poisoned run.
  const cleanBroke = runBreakdown(clean);
  if (cleanBroke.didNotTrain)
    return {
      ...base,
      state: 'did-not-train',
      message: `no UD for this experiment: the clean run did not train (${cleanBroke.reason}). To get one, ${DID_NOT_TRAIN_ADVICE}.`,
    };
  const poisonBroke = runBreakdown(poisoned);
  if (poisonBroke.didNotTrain)
    return {
      ...base,
      state: 'did-not-train',
      message: `no UD: this poisoned run did not train (${poisonBroke.reason}), which is a breakdown, not the poison at work. To get one, ${DID_NOT_TRAIN_ADVICE}.`,
    };
  const live = isActiveStatus(clean.status) || isActiveStatus(poisoned.status);
  const c = clean.sal;
  const p = poisoned.sal;
  const epochs = Math.min(c?.epochs.length ?? 0, p?.epochs.length ?? 0);
  const stopped = ended(clean)
    ? `the clean run ${ended(clean)}`
    : ended(poisoned)
      ? `the poisoned run ${ended(poisoned)}`
      : null;
  if (!c || !p || epochs === 0) {
    if (live)
      return {
        ...base,
        state: 'waiting',
        message: 'UD appears once both runs have SAL for epoch 1.',
      };
    return {
      ...base,
      state: 'error',
      message: `no epoch has SAL in both runs${stopped ? ` (${stopped})` : ''}.`,
    };
  }
  const r = udOf(c, p, epochs);
  if (r instanceof Error) return { ...base, state: 'error', message: r.message };
  const partial =
    !live && epochs < plannedEpochs
      ? `rests on ${epochs} of ${plannedEpochs} epochs${stopped ? `: ${stopped}` : ''}.`
      : null;
  return {
    state: live ? 'running' : 'final',
    result: r,
    epochs,
    plannedEpochs,
    layers: r.layers,
    settings,
    message: partial,
  };
}

/**
 * beta for the heatmaps: the live UD's beta when a poisoned run is compared, else the clean
 * run's own (its SAL against itself); null before the clean run has any SAL.
 */
export function heatmapBeta(clean: RunState | null, poisoned: RunState | null): number | null {
  if (!clean?.sal) return null;
  if (poisoned) {
    const v = udView(clean, poisoned);
    if (v.result) return v.result.beta;
  }
  const r = udOf(clean.sal, clean.sal, clean.sal.values.length);
  return r instanceof Error ? null : r.beta;
}
