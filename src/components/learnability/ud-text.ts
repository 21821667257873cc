/** The words of a UD card: two sentences of reading, and the coarse-model note. */
import type { UdView } from '../../store';

/** Two sentences: what this UD means, and what the other side of 1 would mean. */
export function udExplanation(v: UdView): string {
  const ud = v.result?.ud;
  if (ud === null || ud === undefined) {
    if (v.result)
      return `UD is undefined: ${v.result.undefinedReason ?? 'the clean run has no learnable layer'}. Train more epochs or use vgg-s, so that some clean layers rise above beta.`;
    return 'UD = learnable layers of the poisoned run / those of the clean run. Below 1 the poison makes the data partly unlearnable; above 1 it teaches wrong features.';
  }
  if (ud < 0.995)
    return 'UD < 1: fewer layers can still learn from this data than from clean data, so the poison makes it partly unlearnable. UD > 1 would mean more learnable layers: wrong features taught.';
  if (ud > 1.005)
    return 'UD > 1: more layers stay learnable than with clean data; the paper reads this as a poison that teaches wrong features rather than nothing. UD < 1 would mean partly unlearnable data.';
  return 'UD = 1: as many layers stay learnable as with clean data, so by this measure the poison leaves the data learnable. Below 1 it would be partly unlearnable.';
}

/** The note for models with few weight layers, or null. */
export function coarseNote(model: string, layers: number): string | null {
  if (layers === 0 || layers >= 5) return null;
  return `${model} has only ${layers} weight layers: UD takes few values; use vgg-s for UD work.`;
}
