import { describe, expect, it } from 'vitest';
import type { ImageSet } from '../../src/core/dataset';
import {
  buildTaskData,
  constantMaskIoU,
  foregroundMask,
  headsOf,
  HEAD_TASK_INFO,
  iou,
  isTaskId,
  meanIou,
  rotateImage,
  rotationTargets,
  TASKS,
} from '../../src/core/tasks';

/** A set of `count` 4x4 grey images with a few bright pixels each. */
function tinySet(count: number, fill: (n: number, i: number, j: number) => number): ImageSet {
  const images = new Uint8Array(count * 16);
  for (let n = 0; n < count; n++)
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) images[n * 16 + i * 4 + j] = fill(n, i, j);
  return {
    images,
    labels: Uint8Array.from({ length: count }, (_, n) => n % 3),
    count,
    height: 4,
    width: 4,
    channels: 1,
    numClasses: 3,
    classNames: ['a', 'b', 'c'],
  };
}

describe('task ids', () => {
  it('lists the four tasks, their heads and JSON keys', () => {
    expect(TASKS).toEqual(['digits', 'rotation', 'segmentation', 'multi']);
    expect(headsOf('multi')).toEqual(['digits', 'rotation', 'segmentation']);
    expect(headsOf('rotation')).toEqual(['rotation']);
    expect(HEAD_TASK_INFO.segmentation.jsonKey).toBe('segmentationTestIoU');
    expect(HEAD_TASK_INFO.rotation.jsonKey).toBe('rotationTestAcc');
    expect(isTaskId('multi')).toBe(true);
    expect(isTaskId('depth')).toBe(false);
  });
});

describe('rotateImage', () => {
  const a = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  it('turns a 3x3 image counter-clockwise by k * 90 degrees (numpy rot90)', () => {
    expect([...rotateImage(a, 3, 3, 1, 0)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...rotateImage(a, 3, 3, 1, 1)]).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
    expect([...rotateImage(a, 3, 3, 1, 2)]).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect([...rotateImage(a, 3, 3, 1, 3)]).toEqual([7, 4, 1, 8, 5, 2, 9, 6, 3]);
  });
  it('four quarter turns give the image back; k wraps modulo 4', () => {
    let r = a;
    for (let k = 0; k < 4; k++) r = rotateImage(r, 3, 3, 1, 1);
    expect([...r]).toEqual([...a]);
    expect([...rotateImage(a, 3, 3, 1, -1)]).toEqual([...rotateImage(a, 3, 3, 1, 3)]);
  });
  it('keeps channels together, turns non-square images and keeps the array type', () => {
    // 2x3 image, 2 channels: pixel (i, j) holds [10*i + j, 100 + 10*i + j].
    const src = new Float32Array(12);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) {
        src[(i * 3 + j) * 2] = 10 * i + j;
        src[(i * 3 + j) * 2 + 1] = 100 + 10 * i + j;
      }
    const r = rotateImage(src, 2, 3, 2, 1); // 3x2 result
    expect(r).toBeInstanceOf(Float32Array);
    // Row 0 of the result is the last column of the source, top to bottom: (0,2), (1,2).
    expect([...r.subarray(0, 4)]).toEqual([2, 102, 12, 112]);
    expect([...r.subarray(8, 12)]).toEqual([0, 100, 10, 110]);
    expect(() => rotateImage(src, 3, 3, 2, 1)).toThrow(/do not fit/);
  });
});

describe('rotationTargets', () => {
  it('is seeded, covers the four classes about evenly and differs between seeds', () => {
    const a = rotationTargets(4000, 7);
    expect([...a]).toEqual([...rotationTargets(4000, 7)]);
    expect([...a]).not.toEqual([...rotationTargets(4000, 8)]);
    const counts = [0, 0, 0, 0];
    a.forEach((k) => counts[k]!++);
    counts.forEach((c) => expect(c).toBeGreaterThan(900));
    expect(Math.max(...a)).toBe(3);
  });
});

describe('foregroundMask and IoU', () => {
  it('marks pixels above half of full scale, averaging channels', () => {
    expect([...foregroundMask(Uint8Array.from([0, 127, 128, 255]))]).toEqual([0, 0, 1, 1]);
    expect([...foregroundMask(Uint8Array.from([0, 127, 128, 255]), 1, 0.2)]).toEqual([0, 1, 1, 1]);
    // two RGB-like channels: means 100 and 200.
    expect([...foregroundMask(Uint8Array.from([0, 200, 150, 250]), 2)]).toEqual([0, 1]);
    expect(() => foregroundMask(Uint8Array.from([1]), 1, 1)).toThrow(/threshold/);
  });
  it('computes IoU on hand-made masks', () => {
    expect(iou([1, 1, 0, 0], [1, 0, 1, 0])).toBeCloseTo(1 / 3);
    expect(iou([0, 0], [0, 0])).toBe(1);
    expect(iou([1, 0], [0, 1])).toBe(0);
    expect(meanIou([1, 1, 0, 0, 1, 1], [1, 1, 0, 1, 0, 0], 2)).toBeCloseTo((1 + 0) / 2);
    expect(meanIou([1, 1, 0, 0], [1, 0, 1, 0], 2)).toBeCloseTo((0.5 + 0) / 2);
  });
  it('the constant-mask baseline predicts the majority mask', () => {
    // Training masks: pixel 0 on in 3 of 3, pixel 1 in 1 of 3 -> fixed mask [1, 0].
    const train = Uint8Array.from([1, 0, 1, 1, 1, 0]);
    const test = Uint8Array.from([1, 0, 1, 1]);
    expect(constantMaskIoU(train, test, 2)).toBeCloseTo((1 + 0.5) / 2);
  });
});

describe('buildTaskData', () => {
  // Clean: a bright pixel at (n % 4, 0). Poisoned: the clean image + noise everywhere, and a
  // wrong label, so any target taken from the poisoned set would show.
  const clean = tinySet(8, (n, i, j) => (i === n % 4 && j === 0 ? 250 : 0));
  const poisoned: ImageSet = {
    ...tinySet(8, (n, i, j) => (i === n % 4 && j === 0 ? 250 : 200)),
    labels: Uint8Array.from({ length: 8 }, () => 2),
  };
  const d = buildTaskData(poisoned, clean, 3);

  it('takes inputs from the poisoned set and every target from the clean set', () => {
    expect(d.images).toBe(poisoned.images);
    expect([...d.labels]).toEqual([...clean.labels]);
    expect([...d.masks]).toEqual([...foregroundMask(clean.images)]);
    // The poisoned images are bright everywhere; their own mask would be all ones.
    expect(d.masks.reduce((a, b) => a + b, 0)).toBe(8);
    expect([...d.masks]).not.toEqual([...foregroundMask(poisoned.images)]);
  });

  it('rotates the poisoned inputs by the seeded class, same classes for clean and poisoned', () => {
    expect([...d.rotation]).toEqual([...rotationTargets(8, 3)]);
    for (let n = 0; n < 8; n++) {
      const want = rotateImage(
        poisoned.images.subarray(n * 16, (n + 1) * 16),
        4,
        4,
        1,
        d.rotation[n]!,
      );
      expect([...d.rotated.subarray(n * 16, (n + 1) * 16)]).toEqual([...want]);
    }
    const c = buildTaskData(clean, clean, 3);
    expect([...c.rotation]).toEqual([...d.rotation]);
    expect([...c.masks]).toEqual([...d.masks]);
  });

  it('rejects mismatched or non-square sets', () => {
    expect(() =>
      buildTaskData(
        tinySet(7, () => 0),
        clean,
        1,
      ),
    ).toThrow(/inputs are 7x4x4x1/);
    const wide = { ...clean, width: 2, height: 8 };
    expect(() => buildTaskData(wide, wide, 1)).toThrow(/square/);
  });
});
