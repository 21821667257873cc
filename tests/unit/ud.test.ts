import { describe, expect, it } from 'vitest';
import { UD_UNDEFINED_NO_CLEAN_LP, udSpread, unlearnableDistance } from '../../src/core/ud';
import { Rng } from '../../src/core/rng';

const randomMatrix = (rng: Rng, epochs: number, layers: number) =>
  Array.from({ length: epochs }, () =>
    Array.from({ length: layers }, () => Math.abs(rng.normal()) ** 2),
  );

// Hand-made SAL matrices, 2 epochs x 4 layers.
// Clean epoch 1: [0, 0.1, 0.9, 1.0] -> clusters {0, 0.1} (0.05) and {0.9, 1.0} (0.95): t1 = 0.5.
// Clean epoch 2: [0.2, 0.2, 0.2, 0.8] -> clusters {0.2 x3} (0.2) and {0.8}: t2 = 0.5.
// beta = 0.5. Clean above beta: 2 + 1 = 3 -> #LP = 1.5.
// Poisoned: [0.6, 0.1, 0.1, 0.1] and [0.1, 0.1, 0.1, 0.1] -> 1 above -> #LP = 0.5. UD = 1/3.
const CLEAN = [
  [0, 0.1, 0.9, 1.0],
  [0.2, 0.2, 0.2, 0.8],
];
const POISONED = [
  [0.6, 0.1, 0.1, 0.1],
  [0.1, 0.1, 0.1, 0.1],
];

describe('unlearnableDistance', () => {
  it('is 1 for a run against itself', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 20; i++) {
      const m = randomMatrix(rng, 1 + rng.int(10), 2 + rng.int(10));
      const r = unlearnableDistance(m, m);
      expect(r.ud).toBe(1);
      expect(r.lpClean).toBe(r.lpPoisoned);
      expect(r.lpClean).toBeGreaterThan(0);
    }
  });

  it('matches a hand computation', () => {
    const r = unlearnableDistance(CLEAN, POISONED);
    expect(r.thresholds[0]).toBeCloseTo(0.5, 12);
    expect(r.thresholds[1]).toBeCloseTo(0.5, 12);
    expect(r.beta).toBeCloseTo(0.5, 12);
    expect(r.lpClean).toBe(1.5);
    expect(r.lpPoisoned).toBe(0.5);
    expect(r.ud).toBeCloseTo(1 / 3, 12);
    expect(r.undefinedReason).toBeUndefined();
    expect(r.epochs).toBe(2);
    expect(r.layers).toBe(4);
    expect(r.learnableClean).toEqual([
      [false, false, true, true],
      [false, false, false, true],
    ]);
    expect(r.learnablePoisoned).toEqual([
      [true, false, false, false],
      [false, false, false, false],
    ]);
  });

  it('counts SAL > beta strictly and can exceed 1', () => {
    // clean: thresholds 0.5 and 0.5; poisoned has 3 layers above 0.5 per epoch
    const r = unlearnableDistance(CLEAN, [
      [0.6, 0.7, 0.8, 0.5],
      [0.6, 0.7, 0.8, 0.5],
    ]);
    expect(r.lpPoisoned).toBe(3);
    expect(r.ud).toBeCloseTo(2, 12);
  });

  it('reports an undefined UD as null with the reason in words', () => {
    // every epoch's values are equal: threshold = that value, nothing strictly above beta
    const r = unlearnableDistance(
      [
        [0.2, 0.2, 0.2],
        [0.2, 0.2, 0.2],
      ],
      [
        [0.5, 0.1, 0.1],
        [0.1, 0.1, 0.1],
      ],
    );
    expect(r.ud).toBeNull();
    expect(r.undefinedReason).toBe(UD_UNDEFINED_NO_CLEAN_LP);
    expect(r.undefinedReason).toMatch(/clean run has no learnable layer.*UD is undefined/);
    expect(r.lpClean).toBe(0);
    expect(r.lpPoisoned).toBe(0.5);
    expect(JSON.stringify(r)).not.toMatch(/Infinity|NaN/);
  });

  it('truncates both runs to the first t epochs (the live estimate)', () => {
    const longer = [...POISONED, [0.9, 0.9, 0.9, 0.9]];
    const r1 = unlearnableDistance(CLEAN, longer, { epochs: 1 });
    // epoch 1 only: beta = 0.5, clean #LP = 2, poisoned #LP = 1
    expect(r1.epochs).toBe(1);
    expect(r1.thresholds).toHaveLength(1);
    expect(r1.lpClean).toBe(2);
    expect(r1.lpPoisoned).toBe(1);
    expect(r1.ud).toBe(0.5);
    expect(unlearnableDistance(CLEAN, longer, { epochs: 2 })).toEqual(
      unlearnableDistance(CLEAN, POISONED),
    );
  });

  it('rejects mismatched, ragged, empty and non-finite matrices by message', () => {
    expect(() => unlearnableDistance(CLEAN, [...POISONED, [1, 1, 1, 1]])).toThrow(
      'the clean run has 2 epochs but the poisoned run has 3; pass `epochs`',
    );
    expect(() =>
      unlearnableDistance(CLEAN, [
        [1, 2, 3],
        [1, 2, 3],
      ]),
    ).toThrow('the clean run has 4 layers per epoch but the poisoned run has 3');
    expect(() =>
      unlearnableDistance(
        [[1, 2], [1]],
        [
          [1, 2],
          [1, 2],
        ],
      ),
    ).toThrow('the clean run has 1 layers in epoch 2 but 2 in epoch 1');
    expect(() => unlearnableDistance([], POISONED)).toThrow('the clean run has no epochs');
    expect(() => unlearnableDistance([[]], [[]])).toThrow('no layers in epoch 1');
    expect(() =>
      unlearnableDistance(CLEAN, [
        [0, 0, NaN, 0],
        [0, 0, 0, 0],
      ]),
    ).toThrow("the poisoned run's SAL in epoch 1, layer 3 is NaN");
    expect(() => unlearnableDistance(CLEAN, POISONED, { epochs: 3 })).toThrow(
      'cannot use 3 epochs: the clean run has 2 and the poisoned run 2',
    );
    expect(() => unlearnableDistance(CLEAN, POISONED, { epochs: 0 })).toThrow(
      'epochs must be a positive integer, got 0',
    );
  });
});

describe('udSpread', () => {
  it('gives mean, min, max and counts, leaving undefined values out', () => {
    expect(udSpread([0.5, 0.7, 0.6])).toEqual({
      mean: expect.closeTo(0.6, 12) as number,
      min: 0.5,
      max: 0.7,
      n: 3,
      nUndefined: 0,
    });
    expect(udSpread([0.4, null, 0.8])).toMatchObject({ min: 0.4, max: 0.8, n: 2, nUndefined: 1 });
    expect(udSpread([null])).toEqual({ mean: null, min: null, max: null, n: 0, nUndefined: 1 });
    expect(udSpread([])).toMatchObject({ mean: null, n: 0 });
    expect(() => udSpread([1, Infinity])).toThrow('value 1 is Infinity');
  });
});
