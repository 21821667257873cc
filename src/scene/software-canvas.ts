/**
 * Makes the page's 2D canvases CPU-backed unless a caller asks otherwise (the
 * `willReadFrequently` hint). Why: Chromium backs a 2D canvas with the GPU process by default,
 * and the first one to draw makes the main thread wait for that process to start; with a
 * software GPU (SwiftShader, a machine without one) that wait took 300-500 ms of a demo link's
 * first view (`npm run bench:demo`, A/B in one browser). The app's 2D canvases are small and
 * redrawn rarely (charts, heatmaps, galleries, contours, copies of the 3D frame), which the
 * CPU does at least as fast. It also covers the canvases uPlot makes, which take no options.
 */
export function preferSoftware2dCanvas(): void {
  const proto = HTMLCanvasElement.prototype;
  const original = proto.getContext as (
    this: HTMLCanvasElement,
    type: string,
    options?: object,
  ) => RenderingContext | null;
  const patched = function (this: HTMLCanvasElement, type: string, options?: object) {
    return original.call(
      this,
      type,
      type === '2d' ? { willReadFrequently: true, ...options } : options,
    );
  };
  proto.getContext = patched as typeof proto.getContext;
}
