import { describe, expect, it } from 'vitest';
import {
  addClipQuantise,
  addClipQuantiseL2,
  addClipQuantiseLinf,
  byteDelta,
  linfByteRadius,
  perturbationNorms,
  poisonMask,
  quantisePatternL2,
  quantiseUnit,
  scaleToL2,
  upsamplePatches,
} from '../../src/core/perturbation';
import {
  POISON_METHOD_IDS,
  POISON_METHODS,
  defaultPoisonSettings,
  resolvePoisonSettings,
  type PoisonMethodId,
} from '../../src/core/poison-types';
import { Rng } from '../../src/core/rng';
import { AR_MAX_TRIES, AR_MIN_EVENNESS } from '../../src/ml/poisons/ar';
import { opsScore } from '../../src/ml/poisons/ops';

describe('perturbation helpers', () => {
  it('adds, then clips, then quantises: negative noise survives', () => {
    const clean = Uint8Array.from([0, 128, 255, 200]);
    const out = addClipQuantise(clean, [-0.1, -0.1, 0.1, 0.1]);
    // 0 - 0.1 clips to 0; 128 - 25.5 = 102.5 rounds to 103 (darker); 255 stays; 200 -> 226 (225.5).
    expect(Array.from(out)).toEqual([0, 103, 255, 226]);
    expect(quantiseUnit(NaN)).toBe(0);
    expect(quantiseUnit(-3)).toBe(0);
    expect(quantiseUnit(7)).toBe(255);
  });

  it('L-inf: the byte change never exceeds floor(eps*255), also for decimal eps', () => {
    expect(linfByteRadius(8 / 255)).toBe(8);
    expect(linfByteRadius(0.0313725)).toBe(7); // just under 8/255
    expect(linfByteRadius(0.031372549)).toBe(8);
    expect(linfByteRadius(0.3)).toBe(76);
    const rng = new Rng(3);
    const clean = Uint8Array.from({ length: 2000 }, () => rng.int(256));
    const delta = rng.fillUniform(new Float32Array(2000), -0.05, 0.05);
    for (const eps of [8 / 255, 0.03, 0.1 / 3]) {
      const out = addClipQuantiseLinf(clean, delta, eps);
      const d = byteDelta(clean, out);
      for (const v of d) expect(Math.abs(v)).toBeLessThanOrEqual(eps + 1e-7);
      // Rounding would have exceeded the budget somewhere without the clamp.
      const raw = byteDelta(clean, addClipQuantise(clean, delta));
      expect(Math.max(...raw.map(Math.abs))).toBeGreaterThan(eps);
    }
  });

  it('L2: the rounded image stays within eps, also where rounding would overshoot', () => {
    const rng = new Rng(7);
    for (let t = 0; t < 50; t++) {
      const n = 784;
      const clean = Uint8Array.from({ length: n }, () => 64 + rng.int(128)); // no clipping
      const eps = 0.05 + rng.next();
      const delta = scaleToL2(rng.fillUniform(new Float32Array(n), -1, 1), eps);
      const out = addClipQuantiseL2(clean, delta, eps);
      let s2 = 0;
      for (let i = 0; i < n; i++) s2 += (out[i]! - clean[i]!) ** 2;
      expect(Math.sqrt(s2) / 255).toBeLessThanOrEqual(eps + 1e-12);
      expect(Math.sqrt(s2) / 255).toBeGreaterThan(0.9 * eps);
    }
  });

  it('quantisePatternL2 gives whole byte steps within the L2 budget', () => {
    const rng = new Rng(9);
    const p = scaleToL2(rng.fillNormal(new Float32Array(784)), 0.6588);
    const q = quantisePatternL2(p, 0.6588);
    let s2 = 0;
    for (const v of q) {
      expect(Math.abs(v * 255 - Math.round(v * 255))).toBeLessThan(1e-4);
      s2 += (v * 255) ** 2;
    }
    expect(Math.sqrt(s2) / 255).toBeLessThanOrEqual(0.6588);
  });

  it('measures norms over the poisoned images only', () => {
    const pert = Float32Array.from([0.1, -0.2, 0, 0, 0.5, 0.5, 0, 0]);
    const n = perturbationNorms(pert, 2, Uint8Array.from([1, 1, 0, 0]));
    expect(n.linfMax).toBeCloseTo(0.2, 6);
    expect(n.l2Max).toBeCloseTo(Math.sqrt(0.05), 6);
    expect(n.l2Mean).toBeCloseTo(Math.sqrt(0.05) / 2, 6);
    expect(n.l0Mean).toBe(1);
    expect(perturbationNorms(pert, 2, new Uint8Array(4)).l2Mean).toBe(0);
  });

  it('poisonMask picks exactly round(ratio*count), seeded', () => {
    const m = poisonMask(301, 0.5, 4);
    expect(m.reduce((a, b) => a + b, 0)).toBe(151);
    expect(Array.from(poisonMask(301, 0.5, 4))).toEqual(Array.from(m));
    expect(Array.from(poisonMask(301, 0.5, 5))).not.toEqual(Array.from(m));
    expect(poisonMask(10, 1, 1).every((v) => v === 1)).toBe(true);
    expect(poisonMask(10, 0, 1).every((v) => v === 0)).toBe(true);
    expect(() => poisonMask(10, 1.5, 1)).toThrow(/ratio must be in \[0, 1\]/);
  });

  it('upsamples a 4x4 grid into 7x7 patches on 28x28', () => {
    const pattern = Float32Array.from({ length: 16 }, (_, i) => i);
    const up = upsamplePatches(pattern, 4, 28, 28, 1);
    for (let h = 0; h < 28; h++) {
      for (let w = 0; w < 28; w++) {
        expect(up[h * 28 + w]).toBe(Math.floor(h / 7) * 4 + Math.floor(w / 7));
      }
    }
  });
});

describe('poison settings and metadata', () => {
  it('has metadata for every id; REM, TAP and SEP are reduced', () => {
    for (const id of POISON_METHOD_IDS) {
      const m = POISON_METHODS[id];
      expect(m.id).toBe(id);
      expect(m.defaultEps.mnist).toBeGreaterThan(0);
      expect(m.defaultEps.fashion).toBeGreaterThan(0);
      expect(m.description.length).toBeGreaterThan(20);
      expect(m.reduced !== undefined).toBe(['rem', 'tap', 'sep'].includes(id));
      if (m.reduced) expect(m.reduced).toMatch(/^reduced: /);
      if (m.departure) expect(m.departure).toMatch(/^departs from the paper: /);
      expect(() => resolvePoisonSettings(defaultPoisonSettings(id, 'mnist'))).not.toThrow();
    }
    expect(POISON_METHODS.tap.needsCleanModel && POISON_METHODS.sep.needsCleanModel).toBe(true);
    expect(POISON_METHODS.em.needsCleanModel).toBe(false);
  });

  it('the reduction and departure notes quote the defaults the code resolves', () => {
    const d = (id: PoisonMethodId) => resolvePoisonSettings(defaultPoisonSettings(id, 'mnist'));
    expect(POISON_METHODS.tap.reduced).toContain(`${d('tap').steps} signed steps`);
    expect(POISON_METHODS.sep.reduced).toContain(`${d('sep').checkpoints} evenly spaced`);
    for (const id of ['em', 'em-class'] as const) {
      const s = d(id);
      expect(POISON_METHODS[id].departure).toContain(
        `below ${s.lossThreshold} after at least ${s.minRounds} rounds, at most ${s.maxRounds}`,
      );
    }
    const ar = POISON_METHODS.ar.departure ?? '';
    expect(ar).toContain(`${AR_MIN_EVENNESS} of the strongest`);
    expect(ar).toContain(`after ${AR_MAX_TRIES} candidates`);
  });

  it('fills defaults from the reference settings', () => {
    const s = resolvePoisonSettings({ method: 'em', eps: 0.3, ratio: 1, seed: 1 });
    expect(s).toMatchObject({
      surrogate: 'cnn-s',
      trainBatches: 10,
      steps: 20,
      minRounds: 10,
      lossThreshold: 0.01,
    });
    expect(s.stepSize).toBeCloseTo(0.03, 12);
    expect(s.maxRounds).toBeGreaterThanOrEqual(s.minRounds);
  });

  it('rejects bad settings with the field named', () => {
    const bad = (v: unknown) => () => resolvePoisonSettings(v);
    expect(bad({ method: 'em', eps: 2, ratio: 1, seed: 1 })).toThrow(/"eps": an L-inf budget/);
    expect(bad({ method: 'ops', eps: 1.5, ratio: 1, seed: 1 })).toThrow(/"eps".*whole number/);
    expect(bad({ method: 'lsp', eps: 0.66, ratio: 1.2, seed: 1 })).toThrow(/"ratio"/);
    expect(bad({ method: 'nope', eps: 0.1, ratio: 1, seed: 1 })).toThrow(/"method"/);
    expect(bad({ method: 'em', eps: 0.1, ratio: 1, seed: 1, minRounds: 5, maxRounds: 2 })).toThrow(
      /minRounds \(5\) exceeds maxRounds \(2\)/,
    );
    // An L2 budget may exceed 1.
    expect(() => resolvePoisonSettings({ method: 'lsp', eps: 2, ratio: 1, seed: 1 })).not.toThrow();
  });
});

describe('OPS score', () => {
  it('never divides by zero and ranks constant pixels first', () => {
    // 5 images, all at distance 255 from the colour: std 0, mean 255 -> best tier.
    const constant = opsScore(5, 5 * 255, 5 * 255 * 255);
    expect(constant).toEqual({ tier: 2, value: 255 });
    // Already the colour everywhere: nothing changes -> worst tier.
    expect(opsScore(5, 0, 0)).toEqual({ tier: 0, value: 0 });
    // Varied distances: the paper's mean/std.
    const varied = opsScore(2, 100 + 200, 100 ** 2 + 200 ** 2);
    expect(varied.tier).toBe(1);
    expect(varied.value).toBeCloseTo(150 / 50, 12);
    for (const k of [constant, varied, opsScore(0, 0, 0)])
      expect(Number.isFinite(k.value)).toBe(true);
  });
});
