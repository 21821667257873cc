/**
 * Picks the TF.js backend. Order of preference: WebGPU, WebGL, WASM, CPU, but a software
 * GPU (WebGPU fallback adapter, SwiftShader / llvmpipe WebGL) is skipped in favour of WASM,
 * because on these machines it is 5-60x slower (PITFALLS.md). Every decision is recorded with
 * its reason for the badge. A user override is honoured when that backend starts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, BackendPreference, BackendReport } from '../../core/run-types';

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
 * Starts a backend for `preference` and reports why. 'auto' walks the plan; a fixed choice is
 * tried first and, if it fails, the automatic order takes over (the failure is in the notes).
 */
export async function selectBackend(
  preference: BackendPreference,
  probe: EnvProbe,
): Promise<BackendReport> {
  const notes: Note[] = [];
  if (preference !== 'auto') {
    try {
      await start(preference);
      notes.push({ backend: preference, status: 'chosen', why: 'chosen in settings' });
      return { chosen: preference, preference, notes };
    } catch (e) {
      notes.push({
        backend: preference,
        status: 'failed',
        why: `chosen in settings but failed to start: ${(e as Error).message}`,
      });
    }
  }
  let chosen: BackendName | null = null;
  for (const { backend, skip } of plan(probe)) {
    if (backend === preference) continue;
    if (chosen) {
      notes.push({ backend, status: 'skipped', why: `${chosen} is preferred` });
      continue;
    }
    if (skip) {
      notes.push(skip);
      continue;
    }
    try {
      await start(backend);
      chosen = backend;
      notes.push({ backend, status: 'chosen', why: reasonFor(backend, probe) });
    } catch (e) {
      notes.push({ backend, status: 'failed', why: (e as Error).message });
    }
  }
  if (!chosen) throw new Error('no TF.js backend could start');
  return { chosen, preference, notes };
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
