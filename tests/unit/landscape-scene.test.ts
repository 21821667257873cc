/**
 * Plain-array geometry of loss surfaces (src/scene/surface-data.ts), its in-place upload into
 * three.js geometries (src/scene/geometry-buffers.ts) and the diverging colour map of surface
 * differences (src/scene/colormap.ts).
 */
import { BufferGeometry, type BufferAttribute } from 'three';
import { describe, expect, it } from 'vitest';
import { gridAxis } from '../../src/core/surface-grid';
import { divergingInto, viridisInto } from '../../src/scene/colormap';
import { writeLinePositions, writeSurfaceMesh } from '../../src/scene/geometry-buffers';
import {
  axisIndex,
  contourLevels,
  contourSegments,
  HEIGHT_RATIO,
  sampleGrid,
  sharedDomain,
  surfaceMesh,
  transformValue,
} from '../../src/scene/surface-data';

describe('transformValue', () => {
  it('is the identity on a linear scale and log10 on a log scale', () => {
    expect(transformValue(2.5, false)).toBe(2.5);
    expect(transformValue(-1, false)).toBe(-1);
    expect(transformValue(100, true)).toBeCloseTo(2, 12);
    expect(transformValue(0.01, true)).toBeCloseTo(-2, 12);
  });

  it('clamps losses at or below zero to 1e-6 on a log scale instead of giving -Infinity/NaN', () => {
    expect(transformValue(0, true)).toBeCloseTo(-6, 12);
    expect(transformValue(-3, true)).toBeCloseTo(-6, 12);
  });
});

describe('sharedDomain', () => {
  it('spans the finite values of every grid and ignores NaN and infinities', () => {
    const a = Float32Array.of(NaN, 2, 3, NaN);
    const b = Float32Array.of(0.5, NaN, Infinity, 4);
    const [lo, hi] = sharedDomain([a, b], false);
    expect(lo).toBeCloseTo(0.5, 6);
    expect(hi).toBeCloseTo(4, 6);
  });

  it('works in transformed units on a log scale', () => {
    const [lo, hi] = sharedDomain([Float32Array.of(0.1, NaN), Float32Array.of(10)], true);
    expect(lo).toBeCloseTo(-1, 6);
    expect(hi).toBeCloseTo(1, 6);
  });

  it('falls back to [0, 1] with nothing finite and widens a constant grid to one unit', () => {
    expect(sharedDomain([Float32Array.of(NaN, NaN)], false)).toEqual([0, 1]);
    expect(sharedDomain([], false)).toEqual([0, 1]);
    const [lo, hi] = sharedDomain([Float32Array.of(2, 2, NaN)], false);
    expect(lo).toBe(2);
    expect(hi).toBe(3);
  });
});

describe('contourLevels', () => {
  it('gives evenly spaced levels strictly inside the domain', () => {
    const levels = contourLevels([1, 3], 3);
    expect(levels).toHaveLength(3);
    expect(levels[0]).toBeCloseTo(1.5, 12);
    expect(levels[1]).toBeCloseTo(2, 12);
    expect(levels[2]).toBeCloseTo(2.5, 12);
  });
});

describe('surfaceMesh', () => {
  // nx = 4 by ny = 3, values increasing along the row-major order.
  const xs = gridAxis(4, 1);
  const ys = gridAxis(3, 1);
  const values = Float32Array.from({ length: 12 }, (_, k) => 1 + k * 0.5);
  const domain: [number, number] = [1, 1 + 11 * 0.5];
  const mesh = surfaceMesh({ xs, ys, values, domain });

  it('has one vertex and colour per grid point and two triangles per cell, indices in range', () => {
    expect(mesh.positions).toHaveLength(12 * 3);
    expect(mesh.colors).toHaveLength(12 * 3);
    expect(mesh.indices).toHaveLength(3 * 2 * 6);
    for (const i of mesh.indices) {
      expect(i).toBeGreaterThanOrEqual(0);
      expect(i).toBeLessThan(12);
    }
    // Every vertex is used by some triangle.
    expect(new Set(mesh.indices).size).toBe(12);
  });

  it('keeps colours in [0, 1]; the lowest value is viridis(0) and the highest viridis(1)', () => {
    for (const c of mesh.colors) {
      expect(c).toBeGreaterThanOrEqual(0);
      expect(c).toBeLessThanOrEqual(1);
    }
    const lo = [0, 0, 0];
    const hi = [0, 0, 0];
    viridisInto(0, lo);
    viridisInto(1, hi);
    for (let c = 0; c < 3; c++) {
      expect(mesh.colors[c]).toBeCloseTo(lo[c]!, 6);
      expect(mesh.colors[11 * 3 + c]).toBeCloseTo(hi[c]!, 6);
    }
  });

  it('maps the grid into the unit box with heights in [0, HEIGHT_RATIO]', () => {
    const p = mesh.positions;
    // First vertex: i = 0, j = 0 -> x = -0.5, lowest value, z = +0.5.
    expect(p[0]).toBeCloseTo(-0.5, 6);
    expect(p[1]).toBeCloseTo(0, 6);
    expect(p[2]).toBeCloseTo(0.5, 6);
    // Last vertex: i = 3, j = 2 -> x = +0.5, highest value, z = -0.5.
    expect(p[33]).toBeCloseTo(0.5, 6);
    expect(p[34]).toBeCloseTo(HEIGHT_RATIO, 6);
    expect(p[35]).toBeCloseTo(-0.5, 6);
    for (let k = 0; k < 12; k++) {
      expect(p[k * 3]!).toBeGreaterThanOrEqual(-0.5 - 1e-6);
      expect(p[k * 3]!).toBeLessThanOrEqual(0.5 + 1e-6);
      expect(p[k * 3 + 1]!).toBeGreaterThanOrEqual(0);
      expect(p[k * 3 + 1]!).toBeLessThanOrEqual(HEIGHT_RATIO + 1e-6);
    }
  });

  it('triangles of one cell share its diagonal and are non-degenerate', () => {
    const [a, c, b, b2, c2, d] = Array.from(mesh.indices.slice(0, 6));
    expect(new Set([a, b, c]).size).toBe(3);
    expect(new Set([b2, c2, d]).size).toBe(3);
    expect(b2).toBe(b);
    expect(c2).toBe(c);
  });
});

describe('writeSurfaceMesh: a new grid updates the geometry in place', () => {
  const grid = (nx: number, ny: number, f: (k: number) => number) => {
    const values = Float32Array.from({ length: nx * ny }, (_, k) => f(k));
    return surfaceMesh({ xs: gridAxis(nx, 1), ys: gridAxis(ny, 1), values, domain: [0, 10] });
  };
  const attrs = (g: BufferGeometry) => ({
    position: g.getAttribute('position') as BufferAttribute,
    color: g.getAttribute('color') as BufferAttribute,
    normal: g.getAttribute('normal') as BufferAttribute,
    index: g.getIndex(),
  });

  it('keeps the same attribute objects for a same-size grid, with the new values uploaded', () => {
    const geom = new BufferGeometry();
    writeSurfaceMesh(
      geom,
      grid(5, 4, (k) => k * 0.5),
    );
    const first = attrs(geom);
    const versions = [first.position.version, first.color.version, first.index!.version];
    const radius = geom.boundingSphere!.radius;

    const next = grid(5, 4, (k) => 10 - k * 0.5);
    writeSurfaceMesh(geom, next);
    const second = attrs(geom);
    expect(second.position).toBe(first.position);
    expect(second.color).toBe(first.color);
    expect(second.index).toBe(first.index);
    expect(second.normal).toBe(first.normal);
    expect(Array.from(second.position.array)).toEqual(Array.from(next.positions));
    expect(Array.from(second.color.array)).toEqual(Array.from(next.colors));
    expect(Array.from(second.index!.array)).toEqual(Array.from(next.indices));
    // Marked for upload: three.js re-sends a buffer when its version moves.
    expect(second.position.version).toBeGreaterThan(versions[0]!);
    expect(second.color.version).toBeGreaterThan(versions[1]!);
    expect(second.index!.version).toBeGreaterThan(versions[2]!);
    // Normals and bounds follow the new heights.
    const fresh = new BufferGeometry();
    writeSurfaceMesh(fresh, next);
    expect(Array.from(second.normal.array)).toEqual(Array.from(fresh.getAttribute('normal').array));
    expect(geom.boundingSphere!.radius).toBeCloseTo(fresh.boundingSphere!.radius, 6);
    expect(geom.boundingSphere!.radius).toBeCloseTo(radius, 6); // mirrored heights, same sphere size
  });

  it('replaces the attributes when the grid size changes', () => {
    const geom = new BufferGeometry();
    writeSurfaceMesh(
      geom,
      grid(5, 4, (k) => k * 0.5),
    );
    const first = attrs(geom);
    const sharper = grid(9, 7, (k) => k * 0.1);
    writeSurfaceMesh(geom, sharper);
    const second = attrs(geom);
    expect(second.position).not.toBe(first.position);
    expect(second.color).not.toBe(first.color);
    expect(second.index).not.toBe(first.index);
    expect(second.normal).not.toBe(first.normal);
    expect(second.position.count).toBe(9 * 7);
    expect(second.normal.count).toBe(9 * 7);
    expect(second.index!.count).toBe(8 * 6 * 6);
    expect(Array.from(second.position.array)).toEqual(Array.from(sharper.positions));
  });

  it('does the same for contour lines: reused at the same length, replaced otherwise', () => {
    const geom = new BufferGeometry();
    writeLinePositions(geom, Float32Array.of(0, 0, 0, 1, 1, 1));
    const first = geom.getAttribute('position');
    writeLinePositions(geom, Float32Array.of(2, 2, 2, 3, 3, 3));
    expect(geom.getAttribute('position')).toBe(first);
    expect(Array.from(first.array)).toEqual([2, 2, 2, 3, 3, 3]);
    writeLinePositions(geom, Float32Array.of(0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3));
    expect(geom.getAttribute('position')).not.toBe(first);
    expect(geom.getAttribute('position').count).toBe(4);
  });
});

describe('contourSegments on a cone z = sqrt(x^2 + y^2)', () => {
  const n = 41;
  const mid = (n - 1) / 2;
  const values = new Float32Array(n * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) values[j * n + i] = Math.hypot(i - mid, j - mid);
  const levels = [4, 8.5, 13, 17.25];
  const result = contourSegments(values, n, n, levels);

  it('returns one entry per level with segments of four coordinates each', () => {
    expect(result.map((r) => r.level)).toEqual(levels);
    for (const r of result) {
      expect(r.segments.length).toBeGreaterThan(0);
      expect(r.segments.length % 4).toBe(0);
    }
  });

  it('puts every segment endpoint of level r at distance r from the centre (within a grid step)', () => {
    for (const r of result) {
      const s = r.segments;
      let maxErr = 0;
      for (let k = 0; k < s.length; k += 2)
        maxErr = Math.max(maxErr, Math.abs(Math.hypot(s[k]! - mid, s[k + 1]! - mid) - r.level));
      expect(maxErr).toBeLessThan(1);
    }
  });

  it('drops the edges d3-contour adds along the grid border', () => {
    const onBorder = (v: number) => v <= 1e-6 || v >= n - 1 - 1e-6;
    for (const r of result) {
      const s = r.segments;
      for (let k = 0; k < s.length; k += 4) {
        const [i0, j0, i1, j1] = [s[k]!, s[k + 1]!, s[k + 2]!, s[k + 3]!];
        const alongBorder = (onBorder(i0) && onBorder(i1)) || (onBorder(j0) && onBorder(j1));
        expect(alongBorder).toBe(false);
      }
    }
  });

  it('closes each circle: its segments go all the way round the centre', () => {
    for (const r of result) {
      const s = r.segments;
      const quadrants = new Set<string>();
      for (let k = 0; k < s.length; k += 2)
        quadrants.add(`${Math.sign(s[k]! - mid)},${Math.sign(s[k + 1]! - mid)}`);
      for (const q of ['1,1', '1,-1', '-1,1', '-1,-1']) expect(quadrants.has(q)).toBe(true);
    }
  });
});

describe('sampleGrid', () => {
  // A plane v = 2 + 3 i - 0.5 j on a 5 x 4 grid: bilinear interpolation reproduces it exactly.
  const nx = 5;
  const ny = 4;
  const plane = (i: number, j: number) => 2 + 3 * i - 0.5 * j;
  const values = new Float32Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) values[j * nx + i] = plane(i, j);

  it('is exact on a plane at grid points and in between', () => {
    for (const [i, j] of [
      [0, 0],
      [4, 3],
      [2, 1],
      [0.5, 0.5],
      [1.25, 2.75],
      [3.9, 0.1],
      [4, 2.5],
      [3.5, 3],
    ] as const)
      expect(sampleGrid(values, nx, ny, i, j)).toBeCloseTo(plane(i, j), 5);
  });

  it('clamps coordinates outside the grid to its border', () => {
    expect(sampleGrid(values, nx, ny, -2, -1)).toBeCloseTo(plane(0, 0), 5);
    expect(sampleGrid(values, nx, ny, 9, 1.5)).toBeCloseTo(plane(4, 1.5), 5);
    expect(sampleGrid(values, nx, ny, 2, 7)).toBeCloseTo(plane(2, 3), 5);
  });
});

describe('axisIndex', () => {
  it('gives the fractional index of a coordinate on an evenly spaced axis', () => {
    const axis = gridAxis(5, 1); // -1, -0.5, 0, 0.5, 1
    expect(axisIndex(axis, 0)).toBeCloseTo(2, 6);
    expect(axisIndex(axis, -1)).toBeCloseTo(0, 6);
    expect(axisIndex(axis, 1)).toBeCloseTo(4, 6);
    expect(axisIndex(axis, 0.25)).toBeCloseTo(2.5, 6);
    // Outside the axis it extrapolates (callers clamp when drawing).
    expect(axisIndex(axis, 1.5)).toBeCloseTo(5, 6);
    expect(axisIndex(Float32Array.of(3, 5, 7), 6)).toBeCloseTo(1.5, 6);
  });

  it('is 0 for an axis of one point or of zero length', () => {
    expect(axisIndex(Float32Array.of(0.3), 5)).toBe(0);
    expect(axisIndex(Float32Array.of(1, 1, 1), 5)).toBe(0);
  });
});

describe('divergingInto', () => {
  const at = (t: number) => {
    const c = [0, 0, 0];
    divergingInto(t, c);
    return c as [number, number, number];
  };

  it('is near-white at 0.5 (no difference)', () => {
    for (const v of at(0.5)) expect(v).toBeGreaterThan(0.9);
  });

  it('is (dark) blue at t = 0 (negative) and (dark) red at t = 1 (positive)', () => {
    const [r0, g0, b0] = at(0);
    expect(b0).toBeGreaterThan(2 * r0);
    expect(b0).toBeGreaterThan(g0);
    const [r1, g1, b1] = at(1);
    expect(r1).toBeGreaterThan(2 * b1);
    expect(r1).toBeGreaterThan(2 * g1);
  });

  it('clamps t outside [0, 1], draws NaN as no difference and writes at the offset', () => {
    expect(at(-3)).toEqual(at(0));
    expect(at(7)).toEqual(at(1));
    expect(at(NaN)).toEqual(at(0.5));
    const out = new Float32Array(6).fill(-1);
    divergingInto(1, out, 3);
    expect(Array.from(out.slice(0, 3))).toEqual([-1, -1, -1]);
    const red = at(1);
    for (let c = 0; c < 3; c++) expect(out[3 + c]).toBeCloseTo(red[c]!, 6);
    for (const v of out.slice(3)) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });
});
