/**
 * IDX files, the format MNIST ships in: a 4-byte magic (0x00 0x00, a type code, the number of
 * dimensions), one big-endian uint32 per dimension, then the values in row-major order.
 * Only what SALscape needs is supported: unsigned-byte 3-D images and 1-D labels.
 * Pure TypeScript, so the same parser serves Node, the browser and workers.
 */

/** Magic of an unsigned-byte 3-D IDX file (images: count x height x width). */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** Magic of an unsigned-byte 1-D IDX file (labels: count). */
export const IDX_LABELS_MAGIC = 0x00000801;
/** Header bytes before the pixels of an images file: magic + 3 dimensions. */
export const IDX_IMAGES_HEADER = 16;
/** Header bytes before the values of a labels file: magic + 1 dimension. */
export const IDX_LABELS_HEADER = 8;

/** Images decoded from an IDX file; `data` is count*height*width bytes, row-major, own buffer. */
export interface IdxImages {
  count: number;
  height: number;
  width: number;
  data: Uint8Array;
}

/** Total file size in bytes of an images IDX file with these dimensions. */
export function idxImagesByteLength(count: number, height: number, width: number): number {
  return IDX_IMAGES_HEADER + count * height * width;
}

/** Total file size in bytes of a labels IDX file with `count` labels. */
export function idxLabelsByteLength(count: number): number {
  return IDX_LABELS_HEADER + count;
}

function hex32(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

function describeMagic(magic: number): string {
  const type = (magic >>> 8) & 0xff;
  const dims = magic & 0xff;
  if (magic >>> 16 !== 0) return 'not an IDX file';
  const types: Record<number, string> = {
    0x08: 'unsigned-byte',
    0x09: 'signed-byte',
    0x0b: 'int16',
    0x0c: 'int32',
    0x0d: 'float32',
    0x0e: 'float64',
  };
  return `${types[type] ?? 'unknown-type'} ${dims}-D`;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkMagic(what: string, bytes: Uint8Array, expected: number, header: number): DataView {
  if (bytes.byteLength < header) {
    throw new Error(
      `${what}: file is too short (${bytes.byteLength} bytes) to hold the ${header}-byte IDX header`,
    );
  }
  const dv = view(bytes);
  const magic = dv.getUint32(0, false);
  if (magic !== expected) {
    throw new Error(
      `${what}: wrong magic number ${hex32(magic)} (${describeMagic(magic)}); ` +
        `expected ${hex32(expected)} (${describeMagic(expected)})`,
    );
  }
  return dv;
}

/** Parses an unsigned-byte 3-D IDX file (e.g. train-images-idx3-ubyte); copies the pixels. */
export function parseIdxImages(bytes: Uint8Array): IdxImages {
  const dv = checkMagic('IDX images', bytes, IDX_IMAGES_MAGIC, IDX_IMAGES_HEADER);
  const count = dv.getUint32(4, false);
  const height = dv.getUint32(8, false);
  const width = dv.getUint32(12, false);
  if (height === 0 || width === 0) {
    throw new Error(`IDX images: image size ${height}x${width} is empty`);
  }
  const expected = idxImagesByteLength(count, height, width);
  if (bytes.byteLength !== expected) {
    throw new Error(
      `IDX images: expected ${expected} bytes for ${count}x${height}x${width}, got ${bytes.byteLength}`,
    );
  }
  // slice, not subarray: the result owns a tight buffer that can be transferred to a worker.
  return { count, height, width, data: bytes.slice(IDX_IMAGES_HEADER, expected) };
}

/** Parses an unsigned-byte 1-D IDX file (e.g. train-labels-idx1-ubyte); returns a copy. */
export function parseIdxLabels(bytes: Uint8Array): Uint8Array {
  const dv = checkMagic('IDX labels', bytes, IDX_LABELS_MAGIC, IDX_LABELS_HEADER);
  const count = dv.getUint32(4, false);
  const expected = idxLabelsByteLength(count);
  if (bytes.byteLength !== expected) {
    throw new Error(
      `IDX labels: expected ${expected} bytes for ${count} labels, got ${bytes.byteLength}`,
    );
  }
  return bytes.slice(IDX_LABELS_HEADER, expected);
}

function checkDim(what: string, name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new Error(`${what}: ${name} must be an integer in [0, 2^32), got ${n}`);
  }
}

/** Encodes count*h*w row-major bytes as an unsigned-byte 3-D IDX file. */
export function writeIdxImages(
  data: Uint8Array,
  count: number,
  height: number,
  width: number,
): Uint8Array {
  const what = 'writeIdxImages';
  checkDim(what, 'count', count);
  checkDim(what, 'height', height);
  checkDim(what, 'width', width);
  if (data.length !== count * height * width) {
    throw new Error(
      `${what}: data has ${data.length} bytes, expected ${count * height * width} for ${count}x${height}x${width}`,
    );
  }
  const out = new Uint8Array(idxImagesByteLength(count, height, width));
  const dv = view(out);
  dv.setUint32(0, IDX_IMAGES_MAGIC, false);
  dv.setUint32(4, count, false);
  dv.setUint32(8, height, false);
  dv.setUint32(12, width, false);
  out.set(data, IDX_IMAGES_HEADER);
  return out;
}

/** Encodes labels (one byte each) as an unsigned-byte 1-D IDX file. */
export function writeIdxLabels(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(idxLabelsByteLength(labels.length));
  const dv = view(out);
  dv.setUint32(0, IDX_LABELS_MAGIC, false);
  dv.setUint32(4, labels.length, false);
  out.set(labels, IDX_LABELS_HEADER);
  return out;
}
