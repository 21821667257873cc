import { describe, expect, it } from 'vitest';
import {
  idxImagesByteLength,
  idxLabelsByteLength,
  parseIdxImages,
  parseIdxLabels,
  writeIdxImages,
  writeIdxLabels,
} from '../../src/core/idx';

function sampleImages(count: number, h: number, w: number): Uint8Array {
  const data = new Uint8Array(count * h * w);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + 11) % 256;
  return data;
}

describe('IDX images', () => {
  it('round-trips pixels and dimensions', () => {
    const data = sampleImages(5, 3, 4);
    const bytes = writeIdxImages(data, 5, 3, 4);
    expect(bytes.length).toBe(idxImagesByteLength(5, 3, 4));
    expect(Array.from(bytes.subarray(0, 16))).toEqual([
      0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 3, 0, 0, 0, 4,
    ]);
    const back = parseIdxImages(bytes);
    expect(back).toMatchObject({ count: 5, height: 3, width: 4 });
    expect(back.data).toEqual(data);
    // The pixels own a tight buffer (transferable without the header).
    expect(back.data.byteOffset).toBe(0);
    expect(back.data.buffer.byteLength).toBe(60);
  });

  it('parses a view into a larger buffer (byteOffset != 0)', () => {
    const file = writeIdxImages(sampleImages(2, 2, 2), 2, 2, 2);
    const host = new Uint8Array(file.length + 7);
    host.set(file, 7);
    expect(parseIdxImages(host.subarray(7)).data).toEqual(sampleImages(2, 2, 2));
  });

  it('rejects a file shorter than the header', () => {
    expect(() => parseIdxImages(new Uint8Array(10))).toThrow(
      'IDX images: file is too short (10 bytes) to hold the 16-byte IDX header',
    );
  });

  it('rejects a labels file passed as images, naming both magics', () => {
    const labels = writeIdxLabels(new Uint8Array(20));
    expect(() => parseIdxImages(labels)).toThrow(
      'IDX images: wrong magic number 0x00000801 (unsigned-byte 1-D); expected 0x00000803 (unsigned-byte 3-D)',
    );
  });

  it('rejects non-IDX data', () => {
    const png = new Uint8Array(32);
    png.set([0x89, 0x50, 0x4e, 0x47]);
    expect(() => parseIdxImages(png)).toThrow(/wrong magic number 0x89504e47 \(not an IDX file\)/);
  });

  it('rejects a truncated file with the expected and actual sizes', () => {
    const bytes = writeIdxImages(sampleImages(60, 28, 28), 60, 28, 28);
    expect(() => parseIdxImages(bytes.subarray(0, 1234))).toThrow(
      'IDX images: expected 47056 bytes for 60x28x28, got 1234',
    );
  });

  it('rejects trailing bytes', () => {
    const bytes = writeIdxImages(sampleImages(1, 2, 2), 1, 2, 2);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(() => parseIdxImages(longer)).toThrow('expected 20 bytes for 1x2x2, got 21');
  });

  it('rejects an empty image size', () => {
    const bytes = writeIdxImages(new Uint8Array(0), 3, 0, 28);
    expect(() => parseIdxImages(bytes)).toThrow('IDX images: image size 0x28 is empty');
  });

  it('writeIdxImages checks the data length', () => {
    expect(() => writeIdxImages(new Uint8Array(5), 2, 2, 2)).toThrow(
      'writeIdxImages: data has 5 bytes, expected 8 for 2x2x2',
    );
    expect(() => writeIdxImages(new Uint8Array(0), -1, 2, 2)).toThrow(/count must be an integer/);
  });
});

describe('IDX labels', () => {
  it('round-trips', () => {
    const labels = Uint8Array.from([0, 9, 3, 255, 7]);
    const bytes = writeIdxLabels(labels);
    expect(bytes.length).toBe(idxLabelsByteLength(5));
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0, 0, 8, 1, 0, 0, 0, 5]);
    expect(parseIdxLabels(bytes)).toEqual(labels);
  });

  it('round-trips an empty file', () => {
    expect(parseIdxLabels(writeIdxLabels(new Uint8Array(0))).length).toBe(0);
  });

  it('rejects a short file', () => {
    expect(() => parseIdxLabels(new Uint8Array(3))).toThrow(
      'IDX labels: file is too short (3 bytes) to hold the 8-byte IDX header',
    );
  });

  it('rejects an images file passed as labels', () => {
    const images = writeIdxImages(new Uint8Array(4), 1, 2, 2);
    expect(() => parseIdxLabels(images)).toThrow(
      'IDX labels: wrong magic number 0x00000803 (unsigned-byte 3-D); expected 0x00000801 (unsigned-byte 1-D)',
    );
  });

  it('rejects a size mismatch', () => {
    const bytes = writeIdxLabels(new Uint8Array(10));
    expect(() => parseIdxLabels(bytes.subarray(0, 15))).toThrow(
      'IDX labels: expected 18 bytes for 10 labels, got 15',
    );
  });
});
