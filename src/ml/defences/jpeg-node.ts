/** The Node JPEG codec (jpeg-js, pure JavaScript). Import only from Node-side code. */
import { decode, encode } from 'jpeg-js';
import type { JpegCodec } from './jpeg';

/** jpeg-js encode + decode of one RGBA image. */
export const nodeJpegCodec: JpegCodec = {
  roundTrip(rgba, width, height, quality) {
    const enc = encode({ data: rgba, width, height }, quality);
    const dec = decode(enc.data, { useTArray: true, formatAsRGBA: true });
    if (dec.width !== width || dec.height !== height)
      throw new Error(`JPEG decode gave ${dec.width}x${dec.height}, expected ${width}x${height}`);
    return dec.data;
  },
};
