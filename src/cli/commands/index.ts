/** The command table: `salscape <name>` runs COMMANDS[name]. Add a command with one entry. */
import type { Command } from '../command';
import { benchmarkCommand } from './benchmark';
import { landscapeCommand } from './landscape';
import { poisonCommand } from './poison';
import { salCommand } from './sal';
import { trainCommand } from './train';
import { udCommand } from './ud';

export const COMMANDS: Record<string, Command> = {
  train: trainCommand,
  poison: poisonCommand,
  sal: salCommand,
  ud: udCommand,
  landscape: landscapeCommand,
  benchmark: benchmarkCommand,
};
