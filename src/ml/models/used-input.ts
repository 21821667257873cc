/**
 * The part of the input a model's output depends on. A 2x2 max pool drops the last row and
 * column of an odd-sized input, so a stack of 'valid' convs and pools can leave input rows
 * that never reach the output: cnn-s computes conv1 on 26 x 26 and conv2 on 11 x 11 outputs,
 * of which pool2 keeps 10 x 10. Cropping the input to the rows and columns that matter gives
 * the same logits bit for bit (the same products and sums reach every kept output) for ~15%
 * fewer multiply-adds in cnn-s.
 */
import type { ModelSpec } from '../../core/model-spec';

/**
 * [h, w] such that the output depends only on input rows < h and columns < w. Equals the input
 * size where nothing is dropped or where a 'same' conv would need its padding moved.
 */
export function usedInputSize(spec: ModelSpec): [number, number] {
  const [h0, w0] = spec.inputShape;
  const full: [number, number] = [h0, w0];
  // Residual models pad every conv ('same') and pool globally: every input pixel counts.
  if (spec.layers.some((l) => l.kind === 'convbn' || l.kind === 'block' || l.kind === 'gap'))
    return full;
  // Forward: each spatial layer's input size, until the first flatten or dense.
  const chain: { layer: ModelSpec['layers'][number]; inH: number; inW: number }[] = [];
  let h = h0;
  let w = w0;
  for (const l of spec.layers) {
    if (l.kind === 'flatten' || l.kind === 'dense') break;
    chain.push({ layer: l, inH: h, inW: w });
    if (l.kind === 'conv' && l.padding === 'valid') {
      h = h - l.kernel + 1;
      w = w - l.kernel + 1;
    } else if (l.kind === 'maxpool') {
      h = Math.floor(h / l.size);
      w = Math.floor(w / l.size);
    }
  }
  // Backward: the rows and columns each layer needs of its input for what comes after.
  let needH = h;
  let needW = w;
  for (let i = chain.length - 1; i >= 0; i--) {
    const { layer: l, inH, inW } = chain[i]!;
    if (l.kind === 'maxpool') {
      needH *= l.size;
      needW *= l.size;
    } else if (l.kind === 'conv' && l.padding === 'valid') {
      needH += l.kernel - 1;
      needW += l.kernel - 1;
    } else if (needH !== inH || needW !== inW) {
      // A 'same' conv pads at the far edge; a crop before it would change that edge.
      return full;
    }
  }
  return [Math.min(needH, h0), Math.min(needW, w0)];
}
