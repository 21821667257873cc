#!/usr/bin/env node
// Launcher of the SALscape CLI: runs src/cli/main.ts through tsx (a devDependency), from any
// working directory. Exit codes: 0 success, 1 the run failed, 2 bad command line.
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
const { main } = await tsImport('../src/cli/main.ts', { parentURL: import.meta.url, tsconfig });
process.exitCode = await main(process.argv.slice(2));
