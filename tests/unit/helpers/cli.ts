/** Shared helpers of the CLI tests: run the real launcher, or main() in-process. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/command';

export const REPO = fileURLToPath(new URL('../../..', import.meta.url));
export const BIN = path.join(REPO, 'bin', 'salscape.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/salscape.mjs ...args` and collects its exit code and output. */
export function cli(args: string[], cwd = REPO): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs main() in-process with captured output (for errors caught before TF.js loads). */
export async function inProcess(argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stderrIsTTY: false,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Prepares the data sets once if a fresh clone has none yet. */
export async function ensureData(): Promise<void> {
  if (!existsSync(path.join(REPO, 'public/data/mnist/manifest.json'))) {
    const { prepareAll } = await import('../../../scripts/prepare-data');
    await prepareAll({ log: () => {} });
  }
}
