/**
 * Grayscale: colour images become grey (ITU-R BT.601 luma, written to every channel so the
 * shape and the model stay the same). The prepared data sets are grey already (1 channel), so
 * there this is a no-op, said in the note.
 */
import type { ImageSet } from '../../core/dataset';

/** A copy of `set` in grey, and a note when nothing changed. */
export function toGrayscale(set: ImageSet): { set: ImageSet; note: string | null } {
  const copy = { ...set, labels: set.labels.slice(), classNames: [...set.classNames] };
  if (set.channels !== 3) {
    return {
      set: { ...copy, images: set.images.slice() },
      note: `grayscale does nothing here: the images have ${set.channels} channel${set.channels === 1 ? '' : 's'} (grey already)`,
    };
  }
  const images = new Uint8Array(set.images.length);
  for (let p = 0; p < images.length; p += 3) {
    const v = Math.round(
      0.299 * set.images[p]! + 0.587 * set.images[p + 1]! + 0.114 * set.images[p + 2]!,
    );
    images[p] = images[p + 1] = images[p + 2] = Math.min(255, v);
  }
  return { set: { ...copy, images }, note: null };
}
