/**
 * A small harness for browser tests: serves the built app with `vite preview`, launches
 * Debian's Chromium through playwright-core, runs named tests in order and prints the
 * closing line "N passed, N failed". Screenshots go to test-results/browser/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHOTS = join(ROOT, 'test-results', 'browser');

/** The Chromium binary: $CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Starts `vite preview` on the built `dist/` and resolves once it answers. */
export async function startPreview(): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(
    join(ROOT, 'node_modules', '.bin', 'vite'),
    ['preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url);
      if (r.ok) return { url, proc };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  proc.kill();
  throw new Error(`vite preview did not answer on ${url} within 30 s (did \`vite build\` run?)`);
}

/** Launches headless Chromium with the flags these machines need (no QUIC; WebGPU on its SwiftShader adapter, WebGL on SwiftShader). */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--disable-quic',
      '--enable-unsafe-webgpu',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
}

export interface Ctx {
  browser: Browser;
  url: string;
  /** A fresh page at 1366x768 that records page errors and console errors. */
  newPage(path?: string): Promise<Page>;
  shot(page: Page, name: string): Promise<string>;
}

export type BrowserTest = { name: string; run: (ctx: Ctx) => Promise<void> };

/** Runs the tests, prints one line per test and the closing tally; returns the exit code. */
export async function runAll(tests: BrowserTest[]): Promise<number> {
  mkdirSync(SHOTS, { recursive: true });
  const { url, proc } = await startPreview();
  const browser = await launch();
  let passed = 0;
  let failed = 0;
  const errors: string[] = [];
  const ctx: Ctx = {
    browser,
    url,
    async newPage(path = '') {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
      });
      await page.goto(url + path);
      return page;
    },
    async shot(page, name) {
      const file = join(SHOTS, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
  };
  try {
    for (const t of tests) {
      errors.length = 0;
      const t0 = Date.now();
      try {
        await t.run(ctx);
        if (errors.length) throw new Error(errors.join('\n'));
        passed++;
        console.log(`  ✓ ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (e) {
        failed++;
        console.log(`  ✗ ${t.name}\n    ${(e as Error).stack ?? String(e)}`);
      }
    }
  } finally {
    await browser.close();
    proc.kill();
  }
  console.log(`browser: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

/** Throws with `message` unless `cond` holds. */
export function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

/** Counts pixels of the 2D canvases under `selector` that differ from each one's most common colour (0 = blank). */
export async function canvasInk(page: Page, selector: string): Promise<number> {
  return page.$$eval(selector, (canvases) =>
    canvases.reduce((sum, el) => {
      const c = el as HTMLCanvasElement;
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) return sum;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const counts = new Map<number, number>();
      for (let i = 0; i < d.length; i += 4) {
        const k = (d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      return sum + d.length / 4 - Math.max(...counts.values());
    }, 0),
  );
}

/**
 * Counts drawn pixels of the WebGL canvas inside `el` (opaque and not white): the app's
 * three.js canvases keep their drawing buffer, so it can be copied onto a 2D canvas and read.
 */
export async function glInk(el: Locator): Promise<number> {
  return el.locator('canvas').evaluate((c) => {
    const src = c as HTMLCanvasElement;
    const t = document.createElement('canvas');
    t.width = src.width;
    t.height = src.height;
    const ctx = t.getContext('2d');
    if (!ctx || t.width === 0 || t.height === 0) return 0;
    ctx.drawImage(src, 0, 0);
    const d = ctx.getImageData(0, 0, t.width, t.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4)
      if (d[i + 3]! > 200 && d[i]! + d[i + 1]! + d[i + 2]! < 700) ink++;
    return ink;
  });
}

/** Types `value` into the input with test id `testId`. */
export async function fill(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).fill(value);
}

/** Waits until the backend badge names the engine in use (the worker has started). */
export async function waitForBackend(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      /WEBGPU|WEBGL|WASM|CPU/.test(
        document.querySelector('[data-testid="backend-badge"]')?.textContent ?? '',
      ),
    null,
    { timeout: 60_000 },
  );
}
