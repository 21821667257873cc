/**
 * Flag parsing for the CLI: one table per command drives both `node:util` parseArgs (strict)
 * and the usage text, and every parse error becomes a one-line UsageError naming the flag.
 */
import { parseArgs } from 'node:util';

/** A bad command line: main prints `salscape: <message>` and exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One flag: its parseArgs type plus what the usage text shows. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  /** Placeholder or choices shown after the flag, e.g. `N` or `mnist|fashion`. */
  value?: string;
  help: string;
  /** Default shown in the usage text. */
  default?: string | number;
  short?: string;
}

/** A command's flags, keyed by long name without the dashes (`train-size`). */
export type FlagTable = Record<string, FlagSpec>;

/** Parsed values: strings for string flags, booleans for boolean flags, absent when not given. */
export type FlagValues<T extends FlagTable> = {
  [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string;
};

const HELP_FLAG: FlagSpec = { type: 'boolean', short: 'h', help: 'show this help' };

/**
 * `--lr -0.5` would be rejected by strict parseArgs as ambiguous; a lone string flag followed
 * by a negative number is clearly flag + value, so it is joined to `--lr=-0.5` first and the
 * value checks then say what is wrong with it.
 */
function joinNegativeValues(argv: readonly string[], flags: FlagTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (a === '--') return [...out, ...argv.slice(i)];
    if (
      a.startsWith('--') &&
      !a.includes('=') &&
      flags[a.slice(2)]?.type === 'string' &&
      next !== undefined &&
      /^-\.?\d/.test(next)
    ) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function flagOf(message: string): string {
  const m = /'(-{1,2}[^' ]+)/.exec(message);
  return m?.[1] ?? 'a flag';
}

/**
 * Parses `argv` against `flags` (plus -h/--help); throws UsageError for anything unexpected.
 * Positional arguments are refused unless `opts.positionals` allows them (the command then
 * checks how many it got).
 */
export function parseFlags<T extends FlagTable>(
  command: string,
  argv: readonly string[],
  flags: T,
  opts: { positionals?: boolean } = {},
): { values: FlagValues<T> & { help?: boolean }; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries({ ...flags, help: HELP_FLAG }).map(([k, f]) => [
      k,
      f.short ? { type: f.type, short: f.short } : { type: f.type },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(argv, flags),
      options,
      strict: true,
      allowPositionals: opts.positionals ?? false,
    });
    return { values: values as FlagValues<T> & { help?: boolean }, positionals };
  } catch (e) {
    const err = e as Error & { code?: string };
    const see = `(see salscape ${command} --help)`;
    switch (err.code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
        throw new UsageError(`unknown flag ${flagOf(err.message)} for "${command}" ${see}`);
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
        const flag = flagOf(err.message);
        throw new UsageError(
          /does not take/.test(err.message)
            ? `${flag} takes no value`
            : `${flag} needs a value ${see}`,
        );
      }
      case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
        const arg = /'([^']*)'/.exec(err.message)?.[1] ?? '';
        throw new UsageError(`unexpected argument "${arg}" for "${command}" ${see}`);
      }
      default:
        throw new UsageError(err.message.split('\n')[0] ?? 'bad arguments');
    }
  }
}

/** A finite number from a flag's text; throws a UsageError naming the flag otherwise. */
export function parseNumberFlag(flag: string, raw: string): number {
  const t = raw.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) {
    throw new UsageError(`--${flag} must be a number (got "${raw}")`);
  }
  return Number(t);
}

/** The flag list of a usage text: one aligned line per flag, default in parentheses. */
export function formatFlags(flags: FlagTable): string {
  const rows = Object.entries({ ...flags, help: HELP_FLAG }).map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : ''}--${name}${f.value ? ` ${f.value}` : ''}`;
    const def = f.default === undefined ? '' : ` (default ${f.default})`;
    return [left, `${f.help}${def}`] as const;
  });
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`).join('\n');
}
