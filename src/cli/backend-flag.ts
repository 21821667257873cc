/** The `--backend wasm|cpu` flag of every command that runs TensorFlow.js, and its check. */
import { UsageError, type FlagSpec } from './args';

/** The backends a Node command can run on. */
export const CLI_BACKENDS = ['wasm', 'cpu'] as const;
export type CliBackend = (typeof CLI_BACKENDS)[number];

/** The flag's entry in a command's flag table. */
export const BACKEND_FLAG = {
  type: 'string',
  value: CLI_BACKENDS.join('|'),
  help: 'TF.js backend',
  default: 'wasm',
} as const satisfies FlagSpec;

/** The backend the flag names (wasm when absent); UsageError naming --backend otherwise. */
export function backendFromFlag(raw: string | undefined): CliBackend {
  const backend = raw ?? 'wasm';
  if (!(CLI_BACKENDS as readonly string[]).includes(backend))
    throw new UsageError(`--backend must be one of ${CLI_BACKENDS.join(', ')} (got "${backend}")`);
  return backend as CliBackend;
}
