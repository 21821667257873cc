import { describe, expect, it } from 'vitest';
import {
  countClasses,
  imageSetFromIdx,
  parseManifest,
  selectSubset,
  sha256Hex,
  stratifiedSubset,
  type ImageSet,
} from '../../src/core/dataset';
import { writeIdxImages, writeIdxLabels } from '../../src/core/idx';
import { Rng } from '../../src/core/rng';

/** Labels with `perClass[c]` items of class c, interleaved. */
function makeLabels(perClass: number[]): Uint8Array {
  const out: number[] = [];
  const left = [...perClass];
  while (left.some((n) => n > 0)) {
    left.forEach((n, c) => {
      if (n > 0) {
        out.push(c);
        left[c] = n - 1;
      }
    });
  }
  return Uint8Array.from(out);
}

function countsOf(labels: Uint8Array, idx: Int32Array, k: number): number[] {
  const sub = Uint8Array.from(idx, (i) => labels[i]!);
  return countClasses(sub, k);
}

describe('stratifiedSubset', () => {
  const balanced = makeLabels(new Array(10).fill(100));

  it('gives exactly size/numClasses per class on balanced data', () => {
    const idx = stratifiedSubset(balanced, 10, 500, new Rng(1));
    expect(idx.length).toBe(500);
    expect(countsOf(balanced, idx, 10)).toEqual(new Array(10).fill(50));
  });

  it('spreads the remainder one each over distinct classes', () => {
    const idx = stratifiedSubset(balanced, 10, 503, new Rng(2));
    const counts = countsOf(balanced, idx, 10);
    expect(counts.filter((c) => c === 51).length).toBe(3);
    expect(counts.filter((c) => c === 50).length).toBe(7);
  });

  it('takes all of a too-small class and fills from the others evenly', () => {
    const labels = makeLabels([3, 100, 100, 10]);
    const idx = stratifiedSubset(labels, 4, 100, new Rng(3));
    const counts = countsOf(labels, idx, 4);
    expect(counts[0]).toBe(3);
    expect(counts[3]).toBe(10);
    expect(counts[1]! + counts[2]!).toBe(87);
    expect(Math.abs(counts[1]! - counts[2]!)).toBeLessThanOrEqual(1);
  });

  it('handles an absent class', () => {
    const labels = makeLabels([20, 0, 20]);
    const counts = countsOf(labels, stratifiedSubset(labels, 3, 30, new Rng(4)), 3);
    expect(counts).toEqual([15, 0, 15]);
  });

  it('can take the whole set', () => {
    const labels = makeLabels([5, 1, 9]);
    const idx = stratifiedSubset(labels, 3, 15, new Rng(5));
    expect(Array.from(idx).sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });

  it('returns no duplicates and only valid indices', () => {
    const idx = stratifiedSubset(balanced, 10, 777, new Rng(6));
    expect(new Set(idx).size).toBe(777);
    expect(idx.every((i) => i >= 0 && i < balanced.length)).toBe(true);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = stratifiedSubset(balanced, 10, 200, new Rng(42));
    const b = stratifiedSubset(balanced, 10, 200, new Rng(42));
    const c = stratifiedSubset(balanced, 10, 200, new Rng(43));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('mixes class order (not grouped by class)', () => {
    const idx = stratifiedSubset(balanced, 10, 100, new Rng(7));
    const first10 = new Set(Array.from(idx.subarray(0, 10), (i) => balanced[i]));
    expect(first10.size).toBeGreaterThan(3);
  });

  it('explains a size larger than the set', () => {
    expect(() => stratifiedSubset(balanced, 10, 1001, new Rng(1))).toThrow(
      'stratifiedSubset: cannot take 1001 items from a set of only 1000',
    );
    expect(() => stratifiedSubset(balanced, 10, 2.5, new Rng(1))).toThrow(
      /size must be a non-negative integer, got 2.5/,
    );
  });

  it('rejects labels outside numClasses', () => {
    expect(() => stratifiedSubset(Uint8Array.from([0, 1, 5]), 3, 2, new Rng(1))).toThrow(
      'label 5 at index 2 is out of range for 3 classes',
    );
  });
});

describe('selectSubset', () => {
  it('copies the chosen images and labels in order', () => {
    const set: ImageSet = {
      images: Uint8Array.from({ length: 4 * 2 * 1 * 2 }, (_, i) => i),
      labels: Uint8Array.from([0, 1, 2, 1]),
      count: 4,
      height: 2,
      width: 1,
      channels: 2,
      numClasses: 3,
      classNames: ['a', 'b', 'c'],
    };
    const sub = selectSubset(set, Int32Array.from([3, 0]));
    expect(sub.count).toBe(2);
    expect(Array.from(sub.images)).toEqual([12, 13, 14, 15, 0, 1, 2, 3]);
    expect(Array.from(sub.labels)).toEqual([1, 0]);
    sub.images[0] = 99;
    expect(set.images[12]).toBe(12);
    expect(() => selectSubset(set, Int32Array.from([4]))).toThrow(
      'selectSubset: index 4 at position 0 is outside 0..3',
    );
  });
});

describe('imageSetFromIdx', () => {
  const img = writeIdxImages(new Uint8Array(3 * 4), 3, 2, 2);
  it('builds a 1-channel set', () => {
    const set = imageSetFromIdx(img, writeIdxLabels(Uint8Array.from([0, 1, 1])), ['x', 'y'], 'T');
    expect(set).toMatchObject({ count: 3, height: 2, width: 2, channels: 1, numClasses: 2 });
  });
  it('names the set in its errors', () => {
    const two = writeIdxLabels(Uint8Array.from([0, 1]));
    expect(() => imageSetFromIdx(img, two, ['x', 'y'], 'Demo train')).toThrow(
      'Demo train: 3 images but 2 labels',
    );
    const bad = writeIdxLabels(Uint8Array.from([0, 1, 2]));
    expect(() => imageSetFromIdx(img, bad, ['x', 'y'], 'Demo train')).toThrow(
      'Demo train: label 2 at index 2 is out of range for 2 classes',
    );
    expect(() => imageSetFromIdx(img.subarray(0, 20), bad, ['x'], 'Demo')).toThrow(
      'Demo: IDX images: expected 28 bytes for 3x2x2, got 20',
    );
  });
});

describe('parseManifest', () => {
  const split = (count: number) => ({
    images: 'train-images-idx3-ubyte',
    labels: 'train-labels-idx1-ubyte',
    count,
    classCounts: [count / 2, count / 2],
    sha256: 'a'.repeat(64),
  });
  const good = () => ({
    id: 'mnist',
    name: 'MNIST',
    height: 28,
    width: 28,
    channels: 1,
    classNames: ['0', '1'],
    source: 'test',
    splits: { train: split(10), test: split(4) },
  });

  it('accepts a valid manifest', () => {
    expect(parseManifest(good()).splits.test.count).toBe(4);
  });

  it('names a field of the wrong type', () => {
    const m = good() as Record<string, unknown>;
    (m.splits as { train: { count: unknown } }).train.count = '10';
    expect(() => parseManifest(m)).toThrow(/splits\.train\.count: .*expected number/);
  });

  it('names an unknown id, a bad checksum and a missing field', () => {
    const m = { ...good(), id: 'cifar' } as Record<string, unknown>;
    m.splits = { ...good().splits, test: { ...split(4), sha256: 'xyz' } };
    delete m.name;
    const msg = (() => {
      try {
        parseManifest(m);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(msg).toMatch(/^Invalid data-set manifest: /);
    expect(msg).toMatch(/\bid: /);
    expect(msg).toMatch(/\bname: /);
    expect(msg).toMatch(/splits\.test\.sha256: must be 64 lower-case hex digits/);
  });

  it('rejects file names that leave the folder', () => {
    const m = good();
    m.splits.train.images = '../../etc/passwd';
    expect(() => parseManifest(m)).toThrow(/splits\.train\.images: must be a plain file name/);
  });

  it('checks class counts against count and classNames', () => {
    const m = good();
    m.splits.train.classCounts = [5, 4];
    expect(() => parseManifest(m)).toThrow('splits.train.classCounts: sums to 9 but count is 10');
    const n = good();
    n.splits.test.classCounts = [4];
    expect(() => parseManifest(n)).toThrow(
      'splits.test.classCounts: has 1 entries but there are 2 classNames',
    );
  });

  it('rejects a non-object', () => {
    expect(() => parseManifest(null)).toThrow(/\(root\): .*expected object/);
  });
});

describe('sha256Hex', () => {
  it('hashes the concatenation of its parts', async () => {
    const enc = new TextEncoder();
    // Well-known digest of "abc".
    const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(await sha256Hex(enc.encode('abc'))).toBe(abc);
    expect(await sha256Hex(enc.encode('a'), enc.encode(''), enc.encode('bc'))).toBe(abc);
  });
});
