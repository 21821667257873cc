/**
 * Plain copies of a model's weights (no tensors): what checkpoints, landscapes, PCA and the
 * worker protocol pass around.
 */

/** Weights of one model: parallel arrays of names (`layer/kernel`), shapes and float data. */
export interface WeightSnapshot {
  names: string[];
  shapes: number[][];
  data: Float32Array[];
}

/** Number of scalars in a shape. */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A deep copy of a snapshot (fresh Float32Arrays, safe to transfer). */
export function cloneSnapshot(s: WeightSnapshot): WeightSnapshot {
  return {
    names: [...s.names],
    shapes: s.shapes.map((sh) => [...sh]),
    data: s.data.map((d) => d.slice()),
  };
}

/** Throws unless `a` and `b` have the same names and shapes in the same order. */
export function assertSameLayout(a: WeightSnapshot, b: WeightSnapshot): void {
  if (a.names.length !== b.names.length)
    throw new Error(`weight count differs: ${a.names.length} vs ${b.names.length}`);
  a.names.forEach((n, i) => {
    const shB = b.shapes[i] ?? [];
    if (n !== b.names[i] || (a.shapes[i] ?? []).join('x') !== shB.join('x'))
      throw new Error(`weight ${i} differs: ${n} vs ${b.names[i] ?? '?'}`);
  });
}
