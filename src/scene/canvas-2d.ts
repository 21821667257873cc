/** The 2D canvas plumbing the heatmaps and the 3D surface views share. */

/** The canvas's 2D context; throws when there is none (callers show a message instead). */
export function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas context');
  return ctx;
}

/**
 * Sizes the canvas's pixels for a CSS box of `width` x `height` at the device pixel ratio
 * (at most 2) and returns that box, rounded down and at least 1 x 1.
 */
export function fitCanvas(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
): { w: number; h: number } {
  const w = Math.max(1, Math.floor(width));
  const h = Math.max(1, Math.floor(height));
  const ratio = Math.min(2, globalThis.devicePixelRatio || 1);
  canvas.width = Math.round(w * ratio);
  canvas.height = Math.round(h * ratio);
  return { w, h };
}
