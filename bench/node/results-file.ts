/**
 * The resumable results file of bench:poisons and bench:sal, and how both drivers start and
 * fail: a rerun with the same settings picks up the saved work, so hours of training survive an
 * interrupted run; any other settings start over.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../src/cli/args';

/** One line on stdout (the drivers' progress and tables). */
export const log = (s: string) => process.stdout.write(`${s}\n`);

/** The machine the figures came from, as the results files record it. */
export function machineLine(): string {
  return `Node ${process.version}, ${os.cpus().length} cores, ${os.platform()}`;
}

/**
 * The saved file at `outFile` when it was written with exactly `settings`, else null (saying
 * why when the settings differ, and when it is unreadable if `sayUnreadable`).
 */
export function readSaved<T extends { settings: unknown }>(
  root: string,
  outFile: string,
  settings: unknown,
  sayUnreadable: boolean,
): T | null {
  if (!existsSync(outFile)) return null;
  try {
    const old = JSON.parse(readFileSync(outFile, 'utf8')) as T;
    if (JSON.stringify(old.settings) === JSON.stringify(settings)) return old;
    log(`${path.relative(root, outFile)} has other settings: starting over`);
  } catch {
    if (sayUnreadable) log(`${path.relative(root, outFile)} is unreadable: starting over`);
  }
  return null;
}

/** Writes `file` as indented JSON, making its folder first. */
export function writeResults(outFile: string, file: unknown): void {
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(file, null, 2)}\n`);
}

/**
 * Runs a driver's `main`; a UsageError prints its message (pointing at `npm run NAME -- --help`)
 * and exits 2, anything else its stack and exits 1.
 */
export function runDriver(name: string, main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    const err = e as Error;
    process.stderr.write(
      `${name}: ${err instanceof UsageError ? err.message.replace(/salscape (bench:\w+) --help/, 'npm run $1 -- --help') : (err.stack ?? String(e))}\n`,
    );
    process.exit(e instanceof UsageError ? 2 : 1);
  });
}
