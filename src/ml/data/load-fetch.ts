/**
 * Loads prepared data sets over HTTP with `fetch`, in a page or a Web Worker (no DOM needed):
 * reads the manifest, streams the two IDX files with byte-level progress, checks the sha256
 * from the manifest, then parses. Files are served from `<baseUrl>/<id>/` (e.g. `/data/mnist/`).
 */
import {
  imageSetFromIdx,
  parseManifest,
  sha256Hex,
  type DatasetId,
  type DatasetManifest,
  type ImageSet,
  type SplitName,
} from '../../core/dataset';
import { idxImagesByteLength, idxLabelsByteLength } from '../../core/idx';

/** Progress in decoded bytes: loaded so far and the expected total of both files. */
export type ProgressFn = (loaded: number, total: number) => void;

const PREPARE_HINT = 'run `npm run prepare:data`';

function joinUrl(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ''), ...parts].join('/');
}

function isAbort(e: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (e instanceof Error && e.name === 'AbortError');
}

async function get(url: string, what: string, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (e) {
    if (isAbort(e, signal)) throw e; // callers tell a cancel apart by its AbortError
    throw new Error(`${what}: could not fetch ${url} (${(e as Error).message})`, { cause: e });
  }
  if (!res.ok) {
    const hint = res.status === 404 ? `; ${PREPARE_HINT}` : '';
    throw new Error(`${what}: ${url} answered HTTP ${res.status} ${res.statusText}${hint}`.trim());
  }
  return res;
}

/** Fetches and validates `<baseUrl>/<id>/manifest.json`. */
export async function fetchManifest(
  baseUrl: string,
  id: DatasetId,
  signal?: AbortSignal,
): Promise<DatasetManifest> {
  const url = joinUrl(baseUrl, id, 'manifest.json');
  const res = await get(url, `data set '${id}'`, signal);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // A dev server's HTML fallback for a missing file lands here.
    throw new Error(
      `${url} is not JSON (starts ${JSON.stringify(text.slice(0, 20))}); ${PREPARE_HINT}`,
    );
  }
  let m: DatasetManifest;
  try {
    m = parseManifest(json);
  } catch (e) {
    throw new Error(`${url}: ${(e as Error).message}; ${PREPARE_HINT}`, { cause: e });
  }
  if (m.id !== id) throw new Error(`${url} describes data set '${m.id}', expected '${id}'`);
  return m;
}

/** Reads a response body chunk by chunk into one buffer sized from `expected` bytes. */
async function readBody(
  res: Response,
  expected: number,
  onBytes: (n: number) => void,
): Promise<Uint8Array> {
  if (!res.body) {
    const all = new Uint8Array(await res.arrayBuffer());
    onBytes(all.byteLength);
    return all;
  }
  const reader = res.body.getReader();
  let buf = new Uint8Array(expected);
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (n + value.byteLength > buf.byteLength) {
      // Longer than the manifest says: keep reading so the checksum reports it.
      const bigger = new Uint8Array(Math.max(buf.byteLength * 2, n + value.byteLength));
      bigger.set(buf.subarray(0, n));
      buf = bigger;
    }
    buf.set(value, n);
    n += value.byteLength;
    onBytes(value.byteLength);
  }
  return n === buf.byteLength ? buf : buf.slice(0, n);
}

/**
 * Loads one split of a prepared data set over HTTP. `onProgress(loaded, total)` is called per
 * received chunk with decoded bytes of both files; an aborted `signal` rejects with AbortError.
 */
export async function loadDatasetFetch(
  baseUrl: string,
  id: DatasetId,
  split: SplitName,
  onProgress?: ProgressFn,
  signal?: AbortSignal,
): Promise<ImageSet> {
  const m = await fetchManifest(baseUrl, id, signal);
  const info = m.splits[split];
  const what = `${m.name} ${split}`;
  const imgSize = idxImagesByteLength(info.count, m.height, m.width);
  const lblSize = idxLabelsByteLength(info.count);
  let total = imgSize + lblSize;
  let loaded = 0;
  const onBytes = (k: number): void => {
    loaded += k;
    total = Math.max(total, loaded);
    onProgress?.(loaded, total);
  };
  onProgress?.(0, total);

  const fetchFile = async (file: string, size: number): Promise<Uint8Array> => {
    const url = joinUrl(baseUrl, id, file);
    const res = await get(url, what, signal);
    try {
      return await readBody(res, size, onBytes);
    } catch (e) {
      if (isAbort(e, signal)) throw e;
      throw new Error(`${what}: download of ${url} failed (${(e as Error).message})`, {
        cause: e,
      });
    }
  };
  const [img, lbl] = await Promise.all([
    fetchFile(info.images, imgSize),
    fetchFile(info.labels, lblSize),
  ]);

  if ((await sha256Hex(img, lbl)) !== info.sha256) {
    throw new Error(`${what} data is corrupt (checksum mismatch); ${PREPARE_HINT}`);
  }
  return imageSetFromIdx(img, lbl, m.classNames, what, info.count);
}
