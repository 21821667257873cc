/**
 * Per-epoch checkpoints on disk: `checkpoints/index.json` (names, shapes, the format in words)
 * and `checkpoints/epoch-NNN.bin` (raw float32 little-endian, tensors concatenated in order).
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { shapeSize, type WeightSnapshot } from '../core/weights';

/** Written into every index.json so the files explain themselves. */
export const CHECKPOINT_FORMAT =
  'Each epoch-NNN.bin is one set of model weights: the tensors listed in "names", in that order, ' +
  'each row-major (C order) with the shape given in "shapes" (conv kernels [kh, kw, in, out], ' +
  'dense kernels [in, out]), stored as float32 little-endian and concatenated with no header or ' +
  'padding; "offsets" gives each tensor\'s start in floats. epoch-000.bin holds the seeded ' +
  'initial weights, epoch-NNN.bin the weights after epoch NNN.';

const indexSchema = z.object({
  version: z.literal(1),
  format: z.string(),
  model: z.string(),
  dtype: z.literal('float32'),
  byteOrder: z.literal('little-endian'),
  names: z.array(z.string()),
  shapes: z.array(z.array(z.number().int().nonnegative())),
  offsets: z.array(z.number().int().nonnegative()),
  floatsPerFile: z.number().int().nonnegative(),
  files: z.array(
    z.object({
      epoch: z.number().int().nonnegative(),
      file: z.string().regex(/^epoch-\d{3,}\.bin$/),
    }),
  ),
});

/** Contents of `checkpoints/index.json`. */
export type CheckpointIndex = z.infer<typeof indexSchema>;

/** File name of an epoch's checkpoint: epoch-000.bin, epoch-001.bin, ... */
export const checkpointFile = (epoch: number) => `epoch-${String(epoch).padStart(3, '0')}.bin`;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One snapshot as float32 little-endian bytes, tensors concatenated in order. */
export function snapshotBytes(s: WeightSnapshot): Uint8Array {
  const total = s.data.reduce((a, d) => a + d.length, 0);
  const flat = new Float32Array(total);
  let at = 0;
  for (const d of s.data) {
    flat.set(d, at);
    at += d.length;
  }
  const bytes = new Uint8Array(flat.buffer);
  if (!littleEndian) for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  return bytes;
}

/**
 * Writes `snapshots[e]` to `<dir>/epoch-EEE.bin` and the index; removes stale epoch files of an
 * earlier run in the same folder. All snapshots must share one layout.
 */
export async function writeCheckpoints(
  dir: string,
  model: string,
  snapshots: WeightSnapshot[],
): Promise<CheckpointIndex> {
  const first = snapshots[0];
  if (!first) throw new Error('no checkpoints to write');
  await mkdir(dir, { recursive: true });
  for (const f of await readdir(dir))
    if (/^epoch-\d{3,}\.bin$/.test(f)) await rm(path.join(dir, f));
  const offsets: number[] = [];
  let floats = 0;
  for (const sh of first.shapes) {
    offsets.push(floats);
    floats += shapeSize(sh);
  }
  const files = snapshots.map((_, epoch) => ({ epoch, file: checkpointFile(epoch) }));
  for (const [i, s] of snapshots.entries()) {
    if (s.names.join() !== first.names.join())
      throw new Error(`checkpoint ${i} has other weights than checkpoint 0`);
    await writeFile(path.join(dir, files[i]!.file), snapshotBytes(s));
  }
  const index: CheckpointIndex = {
    version: 1,
    format: CHECKPOINT_FORMAT,
    model,
    dtype: 'float32',
    byteOrder: 'little-endian',
    names: [...first.names],
    shapes: first.shapes.map((sh) => [...sh]),
    offsets,
    floatsPerFile: floats,
    files,
  };
  await writeFile(path.join(dir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}

/** Reads and validates `<dir>/index.json`. */
export async function readCheckpointIndex(dir: string): Promise<CheckpointIndex> {
  const file = path.join(dir, 'index.json');
  const r = indexSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!r.success)
    throw new Error(`${file}: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`);
  return r.data;
}

/** Reads one epoch's checkpoint of a checkpoints folder as a snapshot. */
export async function readCheckpoint(
  dir: string,
  epoch: number,
  index?: CheckpointIndex,
): Promise<WeightSnapshot> {
  const idx = index ?? (await readCheckpointIndex(dir));
  const entry = idx.files.find((f) => f.epoch === epoch);
  if (!entry) throw new Error(`${dir}: no checkpoint for epoch ${epoch}`);
  const buf = await readFile(path.join(dir, entry.file));
  if (buf.length !== idx.floatsPerFile * 4) {
    throw new Error(`${entry.file}: ${buf.length} bytes, index says ${idx.floatsPerFile * 4}`);
  }
  const bytes = new Uint8Array(buf);
  if (!littleEndian) for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  const flat = new Float32Array(bytes.buffer, bytes.byteOffset, idx.floatsPerFile);
  return {
    names: [...idx.names],
    shapes: idx.shapes.map((s) => [...s]),
    data: idx.shapes.map((s, i) => flat.slice(idx.offsets[i]!, idx.offsets[i]! + shapeSize(s))),
  };
}
