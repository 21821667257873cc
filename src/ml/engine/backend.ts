/**
 * Picks the TF.js backend. Order of preference: WebGPU, WebGL, WASM, CPU, but a software
 * GPU (WebGPU fallback adapter, SwiftShader / llvmpipe WebGL) is skipped in favour of WASM,
 * because on these machines it is 5-60x slower (measured: the README's engine table). Every
 * decision is recorded with its reason for the badge. A user override is honoured when that backend starts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BACKENDS } from '../../core/run-types';
import type {
  BackendName,
  BackendPreference,
  BackendReport,
  CalibrationFigure,
} from '../../core/run-types';
import { fastest, measureCurrentBackend } from './calibrate';

type Note = BackendReport['notes'][number];

/** Environment facts the choice depends on, gathered by `probeEnvironment`. */
export interface EnvProbe {
  webgpu: { available: boolean; software: boolean; detail: string };
  webgl: { available: boolean; software: boolean; detail: string };
  wasm: boolean;
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: {
    isFallbackAdapter?: boolean;
    vendor?: string;
    architecture?: string;
    description?: string;
  };
}

const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** Looks for WebGPU, WebGL2 and WebAssembly without starting any backend. */
export async function probeEnvironment(): Promise<EnvProbe> {
  const probe: EnvProbe = {
    webgpu: { available: false, software: false, detail: 'navigator.gpu is missing' },
    webgl: { available: false, software: false, detail: 'no WebGL2 context' },
    wasm: typeof WebAssembly === 'object',
  };
  const gpu = (
    globalThis.navigator as
      { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } | undefined
  )?.gpu;
  if (gpu) {
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) probe.webgpu.detail = 'no WebGPU adapter';
      else {
        const fallback = Boolean(adapter.isFallbackAdapter ?? adapter.info?.isFallbackAdapter);
        const name = [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.description]
          .filter(Boolean)
          .join(' ');
        probe.webgpu = {
          available: true,
          software: fallback || SOFTWARE_GL.test(name),
          detail: fallback ? 'fallback (software) adapter' : name || 'adapter',
        };
      }
    } catch (e) {
      probe.webgpu.detail = `requestAdapter failed: ${(e as Error).message}`;
    }
  }
  if (typeof OffscreenCanvas !== 'undefined') {
    try {
      const gl = new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null;
      if (gl) {
        const ext = gl.getExtension('WEBGL_debug_renderer_info');
        const renderer = String(
          ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER),
        );
        probe.webgl = { available: true, software: SOFTWARE_GL.test(renderer), detail: renderer };
        gl.getExtension('WEBGL_lose_context')?.loseContext();
      }
    } catch (e) {
      probe.webgl.detail = `WebGL2 failed: ${(e as Error).message}`;
    }
  }
  return probe;
}

/** Imports a backend's package (so unused ones are never loaded) and tries to start it. */
async function start(name: BackendName): Promise<void> {
  if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  if (name === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
}

/** The automatic order with the reason each candidate is skipped (null = worth trying). */
function plan(p: EnvProbe): { backend: BackendName; skip: Note | null }[] {
  const sw = (b: BackendName, d: string): Note => ({
    backend: b,
    status: 'skipped',
    why: `software renderer (${d}) is slower than WASM`,
  });
  const na = (b: BackendName, d: string): Note => ({ backend: b, status: 'unavailable', why: d });
  return [
    {
      backend: 'webgpu',
      skip: !p.webgpu.available
        ? na('webgpu', p.webgpu.detail)
        : p.webgpu.software
          ? sw('webgpu', p.webgpu.detail)
          : null,
    },
    {
      backend: 'webgl',
      skip: !p.webgl.available
        ? na('webgl', p.webgl.detail)
        : p.webgl.software
          ? sw('webgl', p.webgl.detail)
          : null,
    },
    { backend: 'wasm', skip: p.wasm ? null : na('wasm', 'WebAssembly is missing') },
    { backend: 'cpu', skip: null },
  ];
}

/**
 * The backends worth measuring, in order of preference: hardware GPUs and WASM. CPU only
 * when WASM is missing, since WASM trains >= 10x faster (npm run bench:engine). A software
 * WebGPU adapter or software WebGL is never a candidate.
 */
export function candidatesFor(p: EnvProbe): { candidates: BackendName[]; notes: Note[] } {
  const candidates: BackendName[] = [];
  const notes: Note[] = [];
  for (const { backend, skip } of plan(p)) {
    if (skip) notes.push(skip);
    else if (backend === 'cpu' && candidates.includes('wasm'))
      notes.push({
        backend,
        status: 'skipped',
        why: 'WASM trains over 10x faster than plain JavaScript',
      });
    else candidates.push(backend);
  }
  return { candidates, notes };
}

/**
 * Starts a backend for `preference` and reports why. 'auto' starts every candidate, measures
 * a few training steps and evaluation batches on each (`measure`), and keeps the fastest
 * trainer; a single candidate is used without measuring. A fixed choice is tried first and,
 * if it fails, the automatic choice takes over (the failure is in the notes).
 */
export async function selectBackend(
  preference: BackendPreference,
  probe: EnvProbe,
  measure: (b: BackendName) => Promise<CalibrationFigure> = measureCurrentBackend,
): Promise<BackendReport> {
  const notes: Note[] = [];
  if (preference !== 'auto') {
    try {
      await start(preference);
      notes.push({ backend: preference, status: 'chosen', why: 'chosen in settings' });
      for (const b of BACKENDS)
        if (b !== preference)
          notes.push({
            backend: b,
            status: 'skipped',
            why: `${preference} was chosen in settings`,
          });
      return { chosen: preference, preference, notes };
    } catch (e) {
      notes.push({
        backend: preference,
        status: 'failed',
        why: `chosen in settings but failed to start: ${(e as Error).message}`,
      });
    }
  }
  const plan = candidatesFor(probe);
  notes.push(...plan.notes.filter((n) => n.backend !== preference));
  const t0 = performance.now();
  const figures: CalibrationFigure[] = [];
  const started: BackendName[] = [];
  for (const b of plan.candidates) {
    if (b === preference) continue;
    try {
      await start(b);
      started.push(b);
      figures.push(await measure(b));
    } catch (e) {
      notes.push({ backend: b, status: 'failed', why: (e as Error).message });
    }
  }
  const chosen = started.length === 1 ? started[0] : fastest(figures, 'trainMsPerStep');
  if (!chosen) throw new Error('no TF.js backend could start');
  if (tf.getBackend() !== chosen) await start(chosen);
  const fig = (b: BackendName) => figures.find((f) => f.backend === b);
  const ms = (v: number | null | undefined) => (v == null ? 'n/a' : `${v.toFixed(1)} ms`);
  for (const b of started) {
    const f = fig(b);
    const measured = f
      ? ` (${ms(f.trainMsPerStep)} per training step, ${ms(f.evalMsPerBatch)} per eval batch)`
      : '';
    if (b === chosen)
      notes.push({
        backend: b,
        status: 'chosen',
        why: (started.length > 1 ? 'fastest in calibration' : reasonFor(b, probe)) + measured,
      });
    else
      notes.push({
        backend: b,
        status: 'skipped',
        why: `slower than ${chosen} in calibration${measured}`,
      });
  }
  notes.sort((a, b) => BACKENDS.indexOf(a.backend) - BACKENDS.indexOf(b.backend));
  const report: BackendReport = { chosen, preference, notes };
  if (figures.length > 0)
    report.calibration = {
      train: chosen,
      eval: fastest(figures, 'evalMsPerBatch') ?? chosen,
      figures,
      ms: performance.now() - t0,
    };
  return report;
}

function reasonFor(b: BackendName, p: EnvProbe): string {
  if (b === 'webgpu') return `hardware WebGPU adapter (${p.webgpu.detail})`;
  if (b === 'webgl') return `hardware WebGL2 (${p.webgl.detail})`;
  if (b === 'wasm') return 'no hardware GPU; WASM trains with forward-conv gradients';
  return 'last resort: plain JavaScript';
}

/** Node: WASM unless `preference` names cpu; no GPU backends exist there. */
export async function selectBackendNode(
  preference: BackendPreference = 'auto',
): Promise<BackendReport> {
  const probe: EnvProbe = {
    webgpu: { available: false, software: false, detail: 'not in Node' },
    webgl: { available: false, software: false, detail: 'not in Node' },
    wasm: true,
  };
  return selectBackend(
    preference === 'webgl' || preference === 'webgpu' ? 'auto' : preference,
    probe,
  );
}
