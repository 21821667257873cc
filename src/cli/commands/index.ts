/** The command table: `salscape <name>` runs COMMANDS[name]. Add a command with one entry. */
import type { Command } from '../command';
import { trainCommand } from './train';

export const COMMANDS: Record<string, Command> = {
  train: trainCommand,
};
