/**
 * Loads prepared data sets (and arbitrary IDX pairs) from disk in Node: the CLI and the tests.
 * The browser and the worker use load-fetch.ts instead.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  imageSetFromIdx,
  parseManifest,
  type DatasetId,
  type DatasetManifest,
  type ImageSet,
  type SplitName,
} from '../../core/dataset';
import { IDX_LABELS_HEADER } from '../../core/idx';

/** `<repo>/public/data`, found from this file so any working directory works. */
export const DEFAULT_NODE_DATA_DIR = fileURLToPath(
  new URL('../../../public/data', import.meta.url),
);

/** Reads and validates `<dataDir>/<id>/manifest.json`; says to run prepare:data if it is missing. */
export async function readManifestNode(
  id: DatasetId,
  dataDir: string = DEFAULT_NODE_DATA_DIR,
): Promise<DatasetManifest> {
  const file = path.join(dataDir, id, 'manifest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${file} not found: run \`npm run prepare:data\` first`, { cause: e });
    }
    throw e;
  }
  try {
    return parseManifest(JSON.parse(text));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}; run \`npm run prepare:data\``, {
      cause: e,
    });
  }
}

/** Loads one split of a prepared data set: N images of height x width x channels bytes. */
export async function loadDatasetNode(
  id: DatasetId,
  split: SplitName,
  dataDir: string = DEFAULT_NODE_DATA_DIR,
): Promise<ImageSet> {
  const m = await readManifestNode(id, dataDir);
  const info = m.splits[split];
  const dir = path.join(dataDir, id);
  const [img, lbl] = await Promise.all([
    readFile(path.join(dir, info.images)),
    readFile(path.join(dir, info.labels)),
  ]);
  const set = imageSetFromIdx(img, lbl, m.classNames, `${m.name} ${split}`, info.count);
  if (set.height !== m.height || set.width !== m.width) {
    throw new Error(
      `${m.name} ${split}: images are ${set.height}x${set.width}, manifest says ${m.height}x${m.width}`,
    );
  }
  return set;
}

/**
 * Loads any images + labels IDX pair (1 channel). Without `classNames` the classes are
 * "0".."max label" (at least 1 class).
 */
export async function loadIdxPairNode(
  imagesPath: string,
  labelsPath: string,
  classNames?: string[],
): Promise<ImageSet> {
  const [img, lbl] = await Promise.all([readFile(imagesPath), readFile(labelsPath)]);
  let names = classNames;
  if (!names) {
    // Peek at the labels so the class count follows the data.
    let max = 0;
    for (let i = IDX_LABELS_HEADER; i < lbl.length; i++) max = Math.max(max, lbl[i]!);
    names = Array.from({ length: max + 1 }, (_, i) => String(i));
  }
  return imageSetFromIdx(
    img,
    lbl,
    names,
    `${path.basename(imagesPath)} + ${path.basename(labelsPath)}`,
  );
}
