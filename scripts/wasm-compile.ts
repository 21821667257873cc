/** Compiles kernels.wat to WebAssembly bytes with wabt (shared by build-wasm.ts and a test). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

export const KERNELS_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'src',
  'ml',
  'engine',
  'simd',
);

export async function compileKernels(): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const text = readFileSync(join(KERNELS_DIR, 'kernels.wat'), 'utf8');
  const mod = wabt.parseWat('kernels.wat', text, { simd: true, bulk_memory: true });
  try {
    mod.validate();
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}
