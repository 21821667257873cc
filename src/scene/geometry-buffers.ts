/**
 * Writes new vertex data into a three.js BufferGeometry in place. A landscape refines (a sharper
 * grid replaces a coarse one) and redraws often; making three new BufferAttributes per update
 * would make three.js allocate and upload fresh GPU buffers each time. When the size is unchanged
 * the existing attributes take the new values (and are marked for upload); a new attribute is made
 * only when the size changes.
 */
import { BufferAttribute, type BufferGeometry } from 'three';

type Values = Float32Array | Uint32Array;

/** The attribute itself when it can hold `values` (same length and array type), else null. */
function reusable(attr: unknown, values: Values, itemSize: number): BufferAttribute | null {
  if (!(attr instanceof BufferAttribute) || attr.itemSize !== itemSize) return null;
  const array = attr.array;
  return array.length === values.length && array.constructor === values.constructor ? attr : null;
}

/** Sets the geometry's attribute `name` to `values` (`itemSize` numbers per vertex). */
export function writeAttribute(
  geom: BufferGeometry,
  name: string,
  values: Values,
  itemSize: number,
): BufferAttribute {
  const attr = reusable(geom.getAttribute(name), values, itemSize);
  if (!attr) {
    const fresh = new BufferAttribute(values, itemSize);
    geom.setAttribute(name, fresh);
    return fresh;
  }
  attr.array.set(values);
  attr.needsUpdate = true;
  return attr;
}

/** Sets the geometry's triangle indices. */
export function writeIndex(geom: BufferGeometry, values: Uint32Array): BufferAttribute {
  const attr = reusable(geom.getIndex(), values, 1);
  if (!attr) {
    const fresh = new BufferAttribute(values, 1);
    geom.setIndex(fresh);
    return fresh;
  }
  attr.array.set(values);
  attr.needsUpdate = true;
  return attr;
}

/** A surface mesh (positions, colours, indices) into `geom`, with normals and bounds recomputed. */
export function writeSurfaceMesh(
  geom: BufferGeometry,
  mesh: { positions: Float32Array; colors: Float32Array; indices: Uint32Array },
): void {
  writeAttribute(geom, 'position', mesh.positions, 3);
  writeAttribute(geom, 'color', mesh.colors, 3);
  writeIndex(geom, mesh.indices);
  // three.js keeps the normal attribute when its vertex count still fits.
  geom.computeVertexNormals();
  geom.computeBoundingSphere();
}

/** Line segments (x, y, z per endpoint) into `geom`, with bounds recomputed. */
export function writeLinePositions(geom: BufferGeometry, positions: Float32Array): void {
  writeAttribute(geom, 'position', positions, 3);
  geom.computeBoundingSphere();
}
