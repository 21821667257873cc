/** Checks of the --out folder, kept free of TensorFlow.js so bad command lines fail fast. */
import { mkdir, readdir, stat } from 'node:fs/promises';
import { UsageError } from './args';

/**
 * Creates `out` if needed; refuses (UsageError) a path that is a file, or a non-empty folder
 * that is not an earlier output of the same command (no `marker` file: run.json for a run,
 * poison.json for a poisoned set), so a typo cannot scatter files into, say, $HOME.
 */
export async function checkOutDir(out: string, marker = 'run.json'): Promise<void> {
  const info = await stat(out).catch(() => null);
  if (info && !info.isDirectory()) throw new UsageError(`--out ${out} is a file, not a folder`);
  if (info) {
    const entries = await readdir(out);
    if (entries.length > 0 && !entries.includes(marker)) {
      throw new UsageError(
        `--out ${out} is a non-empty folder without ${marker}; use a new or empty folder`,
      );
    }
  }
  await mkdir(out, { recursive: true });
}
