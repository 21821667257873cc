/**
 * The browser's JPEG codec for the worker: OffscreenCanvas.convertToBlob as image/jpeg, then
 * createImageBitmap and getImageData. Async; one image at a time.
 */
import type { JpegCodec } from '../ml/defences/jpeg';

/** A codec using the browser's own JPEG encoder and decoder (workers and pages). */
export function browserJpegCodec(): JpegCodec {
  return {
    async roundTrip(rgba, width, height, quality) {
      if (typeof OffscreenCanvas === 'undefined')
        throw new Error('JPEG re-encoding needs OffscreenCanvas, which this browser lacks');
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('JPEG re-encoding: no 2D canvas context');
      ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: quality / 100 });
      const bitmap = await createImageBitmap(blob);
      try {
        ctx.clearRect(0, 0, width, height);
        ctx.drawImage(bitmap, 0, 0);
      } finally {
        bitmap.close();
      }
      return new Uint8Array(ctx.getImageData(0, 0, width, height).data.buffer);
    },
  };
}
