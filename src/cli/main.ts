/**
 * `salscape <command> [flags]`: dispatch through the command table, help, and exit codes
 * (0 success, 1 the run failed, 2 bad command line). bin/salscape.mjs runs this through tsx.
 */
import { UsageError } from './args';
import type { CliIO } from './command';
import { COMMANDS } from './commands/index';

/** The main help text. */
export function mainUsage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(4, ...names.map((n) => n.length));
  const rows = [
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  show this help, or a command's: salscape help <command>`,
  ];
  return [
    'salscape: train and inspect SALscape models from the command line (TensorFlow.js, Node).',
    '',
    'Usage: salscape <command> [flags]',
    '',
    'Commands:',
    ...rows,
    '',
    'Run "salscape <command> --help" for its flags.',
    'Exit codes: 0 success, 1 the run failed (e.g. training diverged), 2 bad command line.',
  ].join('\n');
}

const hasCommand = (name: string) => Object.hasOwn(COMMANDS, name);

/** Runs the CLI on `argv` (arguments after the script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      io.stderr(`${mainUsage()}\n`);
      return 2;
    }
    if (name === 'help' || name === '--help' || name === '-h') {
      const topic = rest[0];
      if (topic === undefined) io.stdout(`${mainUsage()}\n`);
      else if (hasCommand(topic)) io.stdout(`${COMMANDS[topic]!.usage()}\n`);
      else
        throw new UsageError(
          `unknown command "${topic}" (commands: ${Object.keys(COMMANDS).join(', ')})`,
        );
      return 0;
    }
    if (!hasCommand(name)) {
      const what = name.startsWith('-')
        ? `unknown flag ${name} before the command`
        : `unknown command "${name}"`;
      throw new UsageError(
        `${what} (commands: ${Object.keys(COMMANDS).join(', ')}; see salscape --help)`,
      );
    }
    return await COMMANDS[name]!.run(rest, io);
  } catch (e) {
    const err = e as Error;
    io.stderr(`salscape: ${err.message}\n`);
    if (process.env.SALSCAPE_DEBUG && err.stack) io.stderr(`${err.stack}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

/** The process's own streams. */
export function processIO(): CliIO {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
}
