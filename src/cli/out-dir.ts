/** Checks of the --out folder, kept free of TensorFlow.js so bad command lines fail fast. */
import { mkdir, readdir, stat } from 'node:fs/promises';
import { UsageError } from './args';

/**
 * Creates `out` if needed; refuses (UsageError) a path that is a file, or a non-empty folder
 * that is not an earlier run (no run.json), so a typo cannot scatter files into, say, $HOME.
 */
export async function checkOutDir(out: string): Promise<void> {
  const info = await stat(out).catch(() => null);
  if (info && !info.isDirectory()) throw new UsageError(`--out ${out} is a file, not a folder`);
  if (info) {
    const entries = await readdir(out);
    if (entries.length > 0 && !entries.includes('run.json')) {
      throw new UsageError(
        `--out ${out} is a non-empty folder without run.json; use a new or empty folder`,
      );
    }
  }
  await mkdir(out, { recursive: true });
}
