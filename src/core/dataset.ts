/**
 * Data-set types and the pure helpers around them: the manifest that `npm run prepare:data`
 * writes next to the IDX files, class-balanced seeded subsets, and checksums. No I/O here:
 * the loaders in `ml/data/` read bytes (fs or fetch) and hand them to these functions.
 */
import { z } from 'zod';
import { parseIdxImages, parseIdxLabels } from './idx';
import type { Rng } from './rng';

/** Identifiers of the prepared data sets (folder names under `public/data/`). */
export const DATASET_IDS = ['mnist', 'fashion'] as const;
/** One of {@link DATASET_IDS}. */
export type DatasetId = (typeof DATASET_IDS)[number];
/** The two splits every prepared data set has. */
export type SplitName = 'train' | 'test';

/** A labelled image set in memory: images are count*height*width*channels bytes (0..255), HWC. */
export interface ImageSet {
  /** count*height*width*channels bytes, row-major, image after image, channels last. */
  images: Uint8Array;
  /** count class indices, each < numClasses. */
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  /** numClasses display names, index = label. */
  classNames: string[];
}

// Plain names only: the loaders join them onto the manifest's folder, so no slashes or "..".
const fileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a plain file name next to the manifest');
const count = z.number().int().nonnegative();

const splitInfoSchema = z.object({
  images: fileName,
  labels: fileName,
  count,
  classCounts: z.array(count),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
});

/** Zod schema of `public/data/<id>/manifest.json`; cross-field checks included. */
export const datasetManifestSchema = z
  .object({
    id: z.enum(DATASET_IDS),
    name: z.string().min(1),
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    // The IDX files hold grey images; a colour set would need another file format first.
    channels: z.literal(1),
    classNames: z.array(z.string()).min(1).max(256),
    source: z.string().min(1),
    splits: z.object({ train: splitInfoSchema, test: splitInfoSchema }),
  })
  .superRefine((m, ctx) => {
    for (const split of ['train', 'test'] as const) {
      const s = m.splits[split];
      if (s.classCounts.length !== m.classNames.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['splits', split, 'classCounts'],
          message: `has ${s.classCounts.length} entries but there are ${m.classNames.length} classNames`,
        });
      }
      const sum = s.classCounts.reduce((a, b) => a + b, 0);
      if (sum !== s.count) {
        ctx.addIssue({
          code: 'custom',
          path: ['splits', split, 'classCounts'],
          message: `sums to ${sum} but count is ${s.count}`,
        });
      }
    }
  });

/** Contents of `public/data/<id>/manifest.json`. */
export type DatasetManifest = z.infer<typeof datasetManifestSchema>;
/** One split of a manifest: file names relative to the manifest, counts, sha256 of images+labels. */
export type SplitInfo = DatasetManifest['splits']['train'];

/** Validates parsed JSON as a manifest; throws an Error naming each bad field. */
export function parseManifest(json: unknown): DatasetManifest {
  const r = datasetManifestSchema.safeParse(json);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => {
    const field = i.path.length > 0 ? i.path.map(String).join('.') : '(root)';
    return `${field}: ${i.message}`;
  });
  throw new Error(`Invalid data-set manifest: ${problems.join('; ')}`);
}

/** Number of labels per class: out[c] = #{i : labels[i] === c}; throws on a label >= numClasses. */
export function countClasses(labels: Uint8Array, numClasses: number): number[] {
  const out = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c >= numClasses) {
      throw new Error(`label ${c} at index ${i} is out of range for ${numClasses} classes`);
    }
    out[c]!++;
  }
  return out;
}

/**
 * Indices (into `labels`) of a subset of `size` items, balanced across classes: each class gets
 * floor(size/numClasses), the remainder goes to rng-chosen classes, and classes too small to
 * fill their share give it to the others as evenly as possible. Order is shuffled by `rng`.
 */
export function stratifiedSubset(
  labels: Uint8Array,
  numClasses: number,
  size: number,
  rng: Rng,
): Int32Array {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new Error(`stratifiedSubset: numClasses must be a positive integer, got ${numClasses}`);
  }
  if (!Number.isInteger(size) || size < 0) {
    throw new Error(`stratifiedSubset: size must be a non-negative integer, got ${size}`);
  }
  if (size > labels.length) {
    throw new Error(
      `stratifiedSubset: cannot take ${size} items from a set of only ${labels.length}`,
    );
  }
  const avail = countClasses(labels, numClasses);
  const pools = avail.map((n) => new Int32Array(n));
  const fill = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    pools[c]![fill[c]!++] = i;
  }

  const quota = quotas(avail, size, rng);

  const out = new Int32Array(size);
  let k = 0;
  for (let c = 0; c < numClasses; c++) {
    const pool = pools[c]!;
    const q = quota[c]!;
    // Partial Fisher-Yates: the first q slots become a uniform sample without replacement.
    for (let i = 0; i < q; i++) {
      const j = i + rng.int(pool.length - i);
      const t = pool[i]!;
      pool[i] = pool[j]!;
      pool[j] = t;
      out[k++] = pool[i]!;
    }
  }
  return rng.shuffle(out);
}

/** Per-class counts summing to `size`, each <= avail[c], as equal as the availability allows. */
function quotas(avail: number[], size: number, rng: Rng): number[] {
  const n = avail.length;
  const order = Array.from(rng.permutation(n));
  const base = Math.floor(size / n);
  const quota = avail.map((a) => Math.min(a, base));
  // The remainder goes to rng-chosen classes first; any shortfall of small classes joins it.
  let left = size - quota.reduce((a, b) => a + b, 0);
  // Water-filling: each round tops up every class with spare room by the same amount.
  while (left > 0) {
    const open = order.filter((c) => quota[c]! < avail[c]!);
    const share = Math.floor(left / open.length);
    if (share === 0) {
      for (let i = 0; i < left; i++) quota[open[i]!]!++;
      break;
    }
    for (const c of open) {
      const add = Math.min(share, avail[c]! - quota[c]!);
      quota[c]! += add;
      left -= add;
    }
  }
  return quota;
}

/** A new ImageSet holding copies of the images and labels at `indices`, in that order. */
export function selectSubset(set: ImageSet, indices: Int32Array): ImageSet {
  const stride = set.height * set.width * set.channels;
  const images = new Uint8Array(indices.length * stride);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!(i >= 0 && i < set.count)) {
      throw new Error(`selectSubset: index ${i} at position ${k} is outside 0..${set.count - 1}`);
    }
    images.set(set.images.subarray(i * stride, (i + 1) * stride), k * stride);
    labels[k] = set.labels[i]!;
  }
  return { ...set, images, labels, count: indices.length, classNames: [...set.classNames] };
}

/**
 * Builds an ImageSet from the bytes of an images and a labels IDX file (1 channel).
 * `what` (e.g. "MNIST train") prefixes errors; `expectedCount` checks the count if given.
 */
export function imageSetFromIdx(
  imagesBytes: Uint8Array,
  labelsBytes: Uint8Array,
  classNames: string[],
  what: string,
  expectedCount?: number,
): ImageSet {
  let images, labels;
  try {
    images = parseIdxImages(imagesBytes);
    labels = parseIdxLabels(labelsBytes);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
  }
  if (images.count !== labels.length) {
    throw new Error(`${what}: ${images.count} images but ${labels.length} labels`);
  }
  if (expectedCount !== undefined && images.count !== expectedCount) {
    throw new Error(`${what}: expected ${expectedCount} images, the files hold ${images.count}`);
  }
  try {
    countClasses(labels, classNames.length);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
  }
  return {
    images: images.data,
    labels,
    count: images.count,
    height: images.height,
    width: images.width,
    channels: 1,
    numClasses: classNames.length,
    classNames,
  };
}

/** Lower-case hex SHA-256 of the concatenation of `parts` (WebCrypto: Node 20, browsers, workers). */
export async function sha256Hex(...parts: Uint8Array[]): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('sha256Hex: WebCrypto (crypto.subtle) is not available here');
  // subtle.digest has no streaming form, so the parts are joined once (about 55 MB at most).
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const joined = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    joined.set(p, off);
    off += p.byteLength;
  }
  const digest = new Uint8Array(await subtle.digest('SHA-256', joined));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}
