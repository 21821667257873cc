/**
 * Hand-written WebAssembly SIMD kernels (kernels.wat) for work that TF.js's WASM backend has
 * no single kernel for, or runs slowly, and that plain JavaScript does slowly too (V8 does not
 * vectorise, and the max comparisons are unpredictable branches):
 * - `combineMax`: a grid point's first layer from its three precomputed parts, z0 + a z1 +
 *   b z2, max-pooled and ReLU'd in one pass. TF.js needs a [1, 3] x [3, M] matMul (~3.4 ns
 *   per value on lenet5, XNNPACK's worst shape) and a MaxPool kernel after it; JavaScript took
 *   ~5 ns per value.
 * - `maxPool2Grad`: the exact 2x2 max-pool gradient (first maximum wins, as on TF.js's cpu
 *   backend), four channels per instruction with compare masks instead of branches.
 * - `convFilterGrad` / `convFilterGradTiled`: a conv's filter gradient straight from x and dy
 *   (one input channel; or 4 x 8 channel tiles, register-blocked). XNNPACK gets it as a conv
 *   whose filter is the whole output gradient, repacked on every call (see conv-grad.ts).
 * Each `SimdArena` is one instance with its own memory; the TF.js heap is not shared, so data
 * is copied in and out (cheap next to the work: measured in npm run bench:engine).
 * Pure code (no tfjs, no DOM): tested in Node against plain-loop references.
 */
import { KERNELS_WASM_BASE64 } from './kernels-wasm';

/** Pointers x, dy, out; x [n, hp, wp, ci] (padded), dy [n, ho, wo, co], kernel kh x kw. */
type FilterGradKernel = (
  x: number,
  dy: number,
  out: number,
  n: number,
  hp: number,
  wp: number,
  ci: number,
  ho: number,
  wo: number,
  co: number,
  kh: number,
  kw: number,
) => void;

interface KernelExports {
  memory: WebAssembly.Memory;
  combineMax(
    src: number,
    dst: number,
    blocks: number,
    kk: number,
    a: number,
    b: number,
    relu: number,
  ): void;
  maxPool2Grad(
    x: number,
    dy: number,
    out: number,
    n: number,
    h: number,
    w: number,
    c: number,
  ): void;
  convFilterGrad: FilterGradKernel;
  convFilterGradTiled: FilterGradKernel;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is missing (callers fall back). */
function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = Uint8Array.from(atob(KERNELS_WASM_BASE64), (ch) => ch.charCodeAt(0));
    compiled = new WebAssembly.Module(bytes);
  } catch {
    compiled = null;
  }
  return compiled;
}

/** True when the SIMD kernels can run here. */
export function simdKernelsAvailable(): boolean {
  return kernelModule() !== null;
}

const PAGE = 65536;

/** One kernel instance and its memory, handed out by a bump allocator. */
export class SimdArena {
  readonly k: KernelExports;
  private top = 0;

  constructor() {
    const mod = kernelModule();
    if (!mod) throw new Error('WebAssembly SIMD is not available');
    this.k = new WebAssembly.Instance(mod, {}).exports as unknown as KernelExports;
  }

  /** Byte offset of `floats` new 16-byte-aligned floats (not zeroed). */
  alloc(floats: number): number {
    const at = this.top;
    this.top += Math.ceil((floats * 4) / 16) * 16;
    const need = this.top - this.k.memory.buffer.byteLength;
    if (need > 0) this.k.memory.grow(Math.ceil(need / PAGE));
    return at;
  }

  /** Frees everything allocated so far. */
  reset(): void {
    this.top = 0;
  }

  /** A view of `floats` floats at byte offset `at` (invalid after the next alloc). */
  f32(at: number, floats: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, at, floats);
  }
}

/**
 * A linear first layer's three parts z0, z1, z2 ([n, h, w, c] each, row-major), laid out for
 * `combineMax` and followed by a `pool` x `pool` max pool (1: none). `at(a, b)` returns
 * relu?(maxPool(z0 + a z1 + b z2)), [n, h/pool, w/pool, c], as a view valid until the next
 * call.
 */
export class PooledParts {
  readonly outShape: [number, number, number, number];
  private readonly arena = new SimdArena();
  private readonly src: number;
  private readonly dst: number;
  private readonly blocks: number;
  private readonly kk: number;

  constructor(
    parts: readonly [Float32Array, Float32Array, Float32Array],
    [n, h, w, c]: readonly [number, number, number, number],
    pool: number,
    private readonly relu: boolean,
  ) {
    const ho = Math.floor(h / pool);
    const wo = Math.floor(w / pool);
    this.outShape = [n, ho, wo, c];
    const outputs = n * ho * wo * c;
    this.kk = pool * pool;
    this.blocks = Math.ceil(outputs / 4);
    this.src = this.arena.alloc(this.blocks * 12 * this.kk);
    this.dst = this.arena.alloc(this.blocks * 4);
    const s = this.arena.f32(this.src, this.blocks * 12 * this.kk);
    s.fill(0);
    let o = 0;
    for (let b = 0; b < n; b++)
      for (let i = 0; i < ho; i++)
        for (let j = 0; j < wo; j++)
          for (let ch = 0; ch < c; ch++, o++) {
            const base = (o >> 2) * 12 * this.kk + (o & 3);
            for (let t = 0; t < this.kk; t++) {
              const r = Math.floor(t / pool);
              const q = t % pool;
              const from = ((b * h + i * pool + r) * w + j * pool + q) * c + ch;
              const to = base + t * 12;
              s[to] = parts[0][from]!;
              s[to + 4] = parts[1][from]!;
              s[to + 8] = parts[2][from]!;
            }
          }
  }

  /** Bytes this layer holds in its kernel memory. */
  get bytes(): number {
    return this.arena.k.memory.buffer.byteLength;
  }

  at(a: number, b: number): Float32Array {
    this.arena.k.combineMax(this.src, this.dst, this.blocks, this.kk, a, b, this.relu ? 1 : 0);
    const [n, ho, wo, c] = this.outShape;
    return this.arena.f32(this.dst, n * ho * wo * c);
  }
}

/** One shared arena for the gradient kernels (they run one at a time, results copied out). */
let gradArena: SimdArena | null = null;
function gradientArena(): SimdArena {
  gradArena ??= new SimdArena();
  gradArena.reset();
  return gradArena;
}

/**
 * dL/dx of a 2x2, stride-2, 'valid' max pool over x [n, h, w, c] given dy, as a view valid
 * until the next call; needs c >= 4 (callers use a plain loop otherwise). Same semantics as
 * `maxPoolWindowGradData` in pool-grad.ts.
 */
export function maxPool2GradSimd(
  x: Float32Array,
  dy: Float32Array,
  [n, h, w, c]: readonly [number, number, number, number],
): Float32Array {
  if (c < 4) throw new Error(`maxPool2GradSimd needs at least 4 channels, got ${c}`);
  const size = n * h * w * c;
  if (n === 0 || h < 2 || w < 2) return new Float32Array(size);
  const arena = gradientArena();
  const xAt = arena.alloc(x.length);
  const dyAt = arena.alloc(dy.length);
  const outAt = arena.alloc(size);
  arena.f32(xAt, x.length).set(x);
  arena.f32(dyAt, dy.length).set(dy);
  arena.f32(outAt, size).fill(0);
  arena.k.maxPool2Grad(xAt, dyAt, outAt, n, h, w, c);
  return arena.f32(outAt, size);
}

/** True when `convFilterGradSimd` takes the register-blocked kernel (4 x 8 channel tiles). */
export function tiledFilterGrad(ci: number, co: number): boolean {
  return ci % 4 === 0 && co % 8 === 0;
}

/**
 * dL/dW [kh, kw, ci, co] of a stride-1 conv y = conv(x, W) with x [n, h, w, ci] padded by
 * `pad` [top, bottom, left, right], given dy [n, ho, wo, co]; needs co >= 4. A new array.
 * Channel counts that tile (`tiledFilterGrad`) run the register-blocked kernel, the rest one
 * input channel and four output channels at a time.
 */
export function convFilterGradSimd(
  x: Float32Array,
  [n, h, w, ci]: readonly [number, number, number, number],
  dy: Float32Array,
  co: number,
  kh: number,
  kw: number,
  [top, bottom, left, right]: readonly [number, number, number, number],
): Float32Array {
  if (co < 4) throw new Error(`convFilterGradSimd needs at least 4 output channels, got ${co}`);
  const hp = h + top + bottom;
  const wp = w + left + right;
  const ho = hp - kh + 1;
  const wo = wp - kw + 1;
  if (dy.length !== n * ho * wo * co) throw new Error('convFilterGradSimd: dy has the wrong size');
  const size = kh * kw * ci * co;
  if (n === 0 || ho < 1 || wo < 1) return new Float32Array(size);
  const arena = gradientArena();
  const xAt = arena.alloc(n * hp * wp * ci);
  const dyAt = arena.alloc(dy.length);
  const outAt = arena.alloc(size);
  const xp = arena.f32(xAt, n * hp * wp * ci);
  if (top + bottom + left + right === 0) xp.set(x);
  else {
    xp.fill(0);
    const row = w * ci;
    for (let b = 0; b < n; b++)
      for (let y = 0; y < h; y++) {
        const from = (b * h + y) * row;
        xp.set(x.subarray(from, from + row), ((b * hp + y + top) * wp + left) * ci);
      }
  }
  arena.f32(dyAt, dy.length).set(dy);
  const tiled = tiledFilterGrad(ci, co);
  if (tiled) arena.f32(outAt, size).fill(0);
  const kernel = tiled ? arena.k.convFilterGradTiled : arena.k.convFilterGrad;
  kernel(xAt, dyAt, outAt, n, hp, wp, ci, ho, wo, co, kh, kw);
  return arena.f32(outAt, size).slice();
}
