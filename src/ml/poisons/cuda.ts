/**
 * CUDA-style class-wise convolution, written from the description in Sadasivan et al. 2023
 * only (no reference code): every class has its own random 3x3 blur kernel per channel,
 * convolved with the class's images. The "perturbation" is the blur itself; eps is the blur
 * spread: off-centre weights are uniform in [0, eps], the centre weight is 1, and the kernel
 * is normalised to sum 1 (non-negative, so the image stays in [0, 1] and keeps its brightness).
 */
import { Rng, deriveSeed } from '../../core/rng';
import { quantiseUnit } from '../../core/perturbation';
import { defineMethod, finishBytes } from './common';

/** A 3x3 kernel (row-major): centre 1, others U(0, spread), normalised to sum 1. */
export function cudaKernel(rng: Rng, spread: number): number[] {
  const k = Array.from({ length: 9 }, (_, i) => (i === 4 ? 1 : rng.uniform(0, spread)));
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
}

/**
 * One channel of an HWC byte image convolved with a 3x3 kernel (zero padding, as a padded
 * convolution does), clipped and rounded to bytes into `out`.
 */
export function blurChannel(
  img: Uint8Array,
  out: Uint8Array,
  kernel: readonly number[],
  height: number,
  width: number,
  channels: number,
  ch: number,
): void {
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      let v = 0;
      for (let dr = -1; dr <= 1; dr++) {
        const rr = r + dr;
        if (rr < 0 || rr >= height) continue;
        for (let dc = -1; dc <= 1; dc++) {
          const cc = c + dc;
          if (cc < 0 || cc >= width) continue;
          v += kernel[(dr + 1) * 3 + (dc + 1)]! * img[(rr * width + cc) * channels + ch]!;
        }
      }
      out[(r * width + c) * channels + ch] = quantiseUnit(v / 255);
    }
  }
}

/** `cuda`: one kernel per class and channel from (seed, "poison/cuda"). */
export const cuda = defineMethod('cuda', async (st) => {
  const { set, s, mask, stride } = st;
  const { height, width, channels } = set;
  const rng = new Rng(deriveSeed(s.seed, 'poison/cuda'));
  const kernels = Array.from({ length: set.numClasses }, () =>
    Array.from({ length: channels }, () => cudaKernel(rng, s.eps)),
  );
  const images = set.images.slice();
  for (let i = 0; i < set.count; i++) {
    if (mask[i] !== 1) continue;
    const src = set.images.subarray(i * stride, (i + 1) * stride);
    const dst = images.subarray(i * stride, (i + 1) * stride);
    const ks = kernels[set.labels[i]!]!;
    for (let ch = 0; ch < channels; ch++)
      blurChannel(src, dst, ks[ch]!, height, width, channels, ch);
    if (i % 256 === 255) await st.ticker.tick(i / set.count, `blurred ${i + 1} images`);
  }
  return finishBytes(st, images, {
    kernels,
    notes: [`3x3 kernel per class: centre 1, others U(0, ${s.eps}), normalised; zero padding`],
  });
});
