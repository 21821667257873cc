import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { DEFAULT_DATA_DIR, prepareAll } from '../../scripts/prepare-data';
import { countClasses, selectSubset, type ImageSet } from '../../src/core/dataset';
import { loadDatasetNode, loadIdxPairNode, readManifestNode } from '../../src/ml/data/load-node';
import { loadDatasetFetch } from '../../src/ml/data/load-fetch';
import { toTensors } from '../../src/ml/data/tensors';

const HINT = 'run `npm run prepare:data`';

beforeAll(async () => {
  await prepareAll({ log: () => {} });
});

describe('prepared data on disk', () => {
  const cases = [
    ['mnist', 'train', 60000],
    ['mnist', 'test', 10000],
    ['fashion', 'train', 60000],
    ['fashion', 'test', 10000],
  ] as const;
  it.each(cases)('%s %s loads with the manifest counts', async (id, split, n) => {
    const set = await loadDatasetNode(id, split);
    const m = await readManifestNode(id);
    expect(set).toMatchObject({ count: n, height: 28, width: 28, channels: 1, numClasses: 10 });
    expect(set.images.length).toBe(n * 28 * 28);
    expect(set.labels.length).toBe(n);
    expect(countClasses(set.labels, 10)).toEqual(m.splits[split].classCounts);
    expect(set.classNames).toEqual(m.classNames);
  });

  it('splits Fashion-MNIST 6000/1000 per class', async () => {
    const train = await loadDatasetNode('fashion', 'train');
    const test = await loadDatasetNode('fashion', 'test');
    expect(countClasses(test.labels, 10)).toEqual(new Array(10).fill(1000));
    expect(countClasses(train.labels, 10)).toEqual(new Array(10).fill(6000));
    expect(train.classNames[7]).toBe('Sneaker');
    // Shuffled: the first 20 test labels are not all one class.
    expect(new Set(test.labels.subarray(0, 20)).size).toBeGreaterThan(3);
  });

  it('loads an arbitrary IDX pair', async () => {
    const dir = path.join(DEFAULT_DATA_DIR, 'mnist');
    const set = await loadIdxPairNode(
      path.join(dir, 't10k-images-idx3-ubyte'),
      path.join(dir, 't10k-labels-idx1-ubyte'),
    );
    expect(set.count).toBe(10000);
    expect(set.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('says to run prepare:data when the manifest is missing', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'salscape-empty-'));
    try {
      await expect(loadDatasetNode('mnist', 'test', empty)).rejects.toThrow(
        /manifest\.json not found: run `npm run prepare:data` first/,
      );
    } finally {
      await rm(empty, { recursive: true });
    }
  });
});

describe('prepareAll', () => {
  it('rebuilds deterministically, caches, and --verify catches a same-size corruption', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'salscape-data-'));
    try {
      const cold = await prepareAll({ dataDir: dir, log: () => {} });
      expect(cold.map((r) => r.cached)).toEqual([false, false]);
      for (const id of ['mnist', 'fashion'] as const) {
        const a = await readManifestNode(id, dir);
        const b = await readManifestNode(id);
        expect(a).toEqual(b); // same sha256 as the repo copy: the split is seeded
      }
      const warm = await prepareAll({ dataDir: dir, log: () => {} });
      expect(warm.map((r) => r.cached)).toEqual([true, true]);

      const file = path.join(dir, 'fashion', 't10k-labels-idx1-ubyte');
      const bytes = await readFile(file);
      bytes[100] = (bytes[100]! + 1) % 10;
      await writeFile(file, bytes);
      const lines: string[] = [];
      const verified = await prepareAll({ dataDir: dir, verify: true, log: (l) => lines.push(l) });
      expect(verified.map((r) => r.cached)).toEqual([true, false]);
      expect(lines[0]).toMatch(/^data: mnist ready \(cached, verified\)/);
      expect(lines[1]).toMatch(/^data: fashion prepared: train 60000, test 10000 in /);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe('toTensors', () => {
  it('gives [N,28,28,1] float32 in [0,1] and int32 labels', async () => {
    const set = await loadDatasetNode('mnist', 'test');
    const sub = selectSubset(
      set,
      Int32Array.from({ length: 256 }, (_, i) => i * 3),
    );
    const before = tf.memory().numTensors;
    const { x, y } = toTensors(sub);
    expect(x.shape).toEqual([256, 28, 28, 1]);
    expect(x.dtype).toBe('float32');
    expect(y.shape).toEqual([256]);
    expect(y.dtype).toBe('int32');
    const xs = x.dataSync();
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of xs) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBe(0);
    expect(hi).toBe(1);
    expect(xs[5 * 784 + 400]).toBeCloseTo(sub.images[5 * 784 + 400]! / 255, 6);
    expect(Array.from(y.dataSync())).toEqual(Array.from(sub.labels));
    x.dispose();
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loadDatasetFetch', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    // Serves public/data under /data; under /bad/data one byte of each images file is flipped.
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const bad = url.pathname.startsWith('/bad/');
      const rel = url.pathname.replace(/^\/(bad\/)?data\//, '');
      const file = path.join(DEFAULT_DATA_DIR, rel);
      if (rel === url.pathname || rel.includes('..')) {
        res.writeHead(404).end('not found');
        return;
      }
      stat(file).then(
        async (st) => {
          res.setHeader('content-length', st.size);
          if (bad && rel.endsWith('idx3-ubyte')) {
            const bytes = await readFile(file);
            bytes[st.size - 1] = bytes[st.size - 1]! ^ 0xff;
            res.end(bytes);
          } else {
            createReadStream(file).pipe(res);
          }
        },
        () => res.writeHead(404, 'Not Found').end('not found'),
      );
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const addr = server.address();
    if (!addr || typeof addr === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${addr.port}`;
  });

  afterAll(async () => {
    await new Promise((ok) => server.close(ok));
  });

  function sameSet(a: ImageSet, b: ImageSet): void {
    expect(a.count).toBe(b.count);
    expect(a.classNames).toEqual(b.classNames);
    expect(Buffer.from(a.labels).equals(Buffer.from(b.labels))).toBe(true);
    expect(Buffer.from(a.images).equals(Buffer.from(b.images))).toBe(true);
  }

  it('loads MNIST test with byte progress', async () => {
    const calls: [number, number][] = [];
    const set = await loadDatasetFetch(`${base}/data/`, 'mnist', 'test', (l, t) =>
      calls.push([l, t]),
    );
    sameSet(set, await loadDatasetNode('mnist', 'test'));
    const total = 16 + 10000 * 784 + 8 + 10000;
    expect(calls[0]).toEqual([0, total]);
    expect(calls.at(-1)).toEqual([total, total]);
    expect(calls.length).toBeGreaterThan(3);
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i]![0]).toBeGreaterThan(calls[i - 1]![0]);
      expect(calls[i]![1]).toBe(total);
    }
  });

  it('loads Fashion-MNIST train', async () => {
    const set = await loadDatasetFetch(`${base}/data`, 'fashion', 'train');
    sameSet(set, await loadDatasetNode('fashion', 'train'));
  });

  it('reports a checksum mismatch', async () => {
    await expect(loadDatasetFetch(`${base}/bad/data`, 'fashion', 'test')).rejects.toThrow(
      `Fashion-MNIST test data is corrupt (checksum mismatch); ${HINT}`,
    );
  });

  it('reports HTTP errors with the URL and status', async () => {
    await expect(loadDatasetFetch(`${base}/nowhere`, 'mnist', 'test')).rejects.toThrow(
      `data set 'mnist': ${base}/nowhere/mnist/manifest.json answered HTTP 404 Not Found; ${HINT}`,
    );
  });

  it('reports an unreachable server', async () => {
    await expect(loadDatasetFetch('http://127.0.0.1:9/data', 'mnist', 'test')).rejects.toThrow(
      /could not fetch http:\/\/127\.0\.0\.1:9\/data\/mnist\/manifest\.json/,
    );
  });

  it('rejects with AbortError when aborted before or during the download', async () => {
    const early = new AbortController();
    early.abort();
    await expect(
      loadDatasetFetch(`${base}/data`, 'mnist', 'test', undefined, early.signal),
    ).rejects.toMatchObject({ name: 'AbortError' });

    const ctl = new AbortController();
    let last = 0;
    const midway = (loaded: number): void => {
      last = loaded;
      if (loaded > 1e6) ctl.abort();
    };
    const p = loadDatasetFetch(`${base}/data`, 'mnist', 'train', midway, ctl.signal);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(last).toBeGreaterThan(1e6);
    expect(last).toBeLessThan(47e6);
  });
});
