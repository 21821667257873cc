/**
 * One WebGLRenderer for every 3D surface on the page. Each surface view draws its frame with
 * it and copies the frame into its own 2D canvas. Why: every WebGL canvas is a context of its
 * own, with its own copy of every shader; on a software GPU (SwiftShader, what a machine
 * without a GPU gets) creating a context and compiling three.js's shaders takes a few hundred
 * milliseconds of main-thread wait each, which the clean and poisoned surfaces paid twice.
 */
import { LinearSRGBColorSpace, WebGLRenderer } from 'three';

let shared: { renderer: WebGLRenderer; users: number } | null = null;

/** The page's renderer, made on first use. Throws when WebGL is unavailable. */
export function acquireRenderer(): WebGLRenderer {
  if (!shared) {
    const renderer = new WebGLRenderer({
      canvas: document.createElement('canvas'),
      antialias: true,
      alpha: true,
    });
    renderer.outputColorSpace = LinearSRGBColorSpace;
    renderer.setClearColor(0xffffff, 0);
    shared = { renderer, users: 0 };
  }
  shared.users++;
  return shared.renderer;
}

/** Gives the renderer back; the last user frees the context. */
export function releaseRenderer(): void {
  if (!shared) return;
  shared.users--;
  if (shared.users > 0) return;
  shared.renderer.dispose();
  shared.renderer.forceContextLoss();
  shared = null;
}
