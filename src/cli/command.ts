/** The shape of a CLI command, so adding one is one entry in commands/index.ts. */

/** Where a command writes: stdout for results only, stderr for progress and messages. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal (in-place progress lines are then allowed). */
  stderrIsTTY: boolean;
}

/** One subcommand: its one-line summary for the main help and its runner. */
export interface Command {
  summary: string;
  /** The command's usage text (flags included), printed by `salscape <command> --help`. */
  usage: () => string;
  /**
   * Runs with the arguments after the command name; resolves to the exit code (0 ok, 1 failed).
   * Throws UsageError for a bad command line (exit 2); any other error exits 1.
   */
  run: (argv: string[], io: CliIO) => Promise<number>;
}
