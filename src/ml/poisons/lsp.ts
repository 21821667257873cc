/**
 * LSP, linear separable synthetic perturbations (Yu et al. 2022): per class a random
 * low-resolution pattern, upsampled into patches and scaled to a fixed L2 norm, added to every
 * image of the class.
 */
import { Rng, deriveSeed } from '../../core/rng';
import { quantisePatternL2, scaleToL2, upsamplePatches } from '../../core/perturbation';
import { defineMethod, finishAdditive } from './common';

/**
 * Class patterns of `dims` values: class means at distinct corners of the {-1, 1} cube, at
 * least dims/4 sign flips apart (rejection sampling, bounded), plus N(0, 0.5^2) jitter, as
 * scikit-learn's make_classification (which the reference uses) places its clusters.
 */
export function lspPatterns(numClasses: number, dims: number, rng: Rng): Float32Array[] {
  const minFlips = Math.max(1, Math.floor(dims / 4));
  const corners: Int8Array[] = [];
  for (let c = 0; c < numClasses; c++) {
    let best: Int8Array | null = null;
    let bestDist = -1;
    for (let attempt = 0; attempt < 200; attempt++) {
      const v = new Int8Array(dims);
      for (let i = 0; i < dims; i++) v[i] = rng.next() < 0.5 ? -1 : 1;
      let d = Infinity;
      for (const u of corners) {
        let flips = 0;
        for (let i = 0; i < dims; i++) if (u[i] !== v[i]) flips++;
        d = Math.min(d, flips);
      }
      if (d > bestDist) {
        best = v;
        bestDist = d;
      }
      if (d >= minFlips) break;
    }
    corners.push(best!);
  }
  return corners.map((v) => {
    const p = new Float32Array(dims);
    for (let i = 0; i < dims; i++) p[i] = v[i]! + 0.5 * rng.normal();
    return p;
  });
}

/** `lsp`: eps is the L2 norm of each class pattern (reference: sqrt(d) * 6/255). */
export const lsp = defineMethod('lsp', async (st) => {
  const { set, s } = st;
  const { height, width, channels } = set;
  const grid = Math.min(s.grid, height, width);
  const rng = new Rng(deriveSeed(s.seed, 'poison/lsp'));
  const patterns = lspPatterns(set.numClasses, grid * grid * channels, rng).map((p) =>
    quantisePatternL2(scaleToL2(upsamplePatches(p, grid, height, width, channels), s.eps), s.eps),
  );
  const patch = `${Math.ceil(height / grid)}x${Math.ceil(width / grid)}`;
  return finishAdditive(st, 'l2', (i) => patterns[set.labels[i]!]!, {
    notes: [`${grid}x${grid} grid of ${patch} patches per class, L2 norm ${s.eps.toFixed(3)}`],
  });
});
