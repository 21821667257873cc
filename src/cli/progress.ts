/**
 * Progress of long stages (poisoning, SAL) on stderr: an in-place line on a terminal, else a
 * plain line at most every `everyMs` (and at 100%), so logs stay short.
 */
import type { CliIO } from './command';

/** Reports progress of one stage; `end` finishes an in-place line. */
export interface StageProgress {
  update(fraction: number, detail: string): void;
  end(): void;
}

/** A throttled progress reporter for `label` ("poisoning", "SAL after epoch 2", ...). */
export function stageProgress(io: CliIO, label: string, everyMs = 10_000): StageProgress {
  const t0 = performance.now();
  // On a terminal the first update shows at once; in a log only stages longer than everyMs show.
  let last = io.stderrIsTTY ? -Infinity : t0;
  let open = false;
  return {
    update(fraction, detail) {
      const t = performance.now();
      const done = fraction >= 1;
      if (!done && t - last < (io.stderrIsTTY ? 200 : everyMs)) return;
      if (!io.stderrIsTTY && done) return; // the caller prints its own summary line
      last = t;
      const text = `${label}: ${(100 * Math.min(1, Math.max(0, fraction))).toFixed(0)}%  ${detail}  ${((t - t0) / 1000).toFixed(0)} s`;
      if (io.stderrIsTTY) {
        io.stderr(`\r\x1b[K${text}`);
        open = true;
      } else io.stderr(`${text}\n`);
    },
    end() {
      if (open) io.stderr('\r\x1b[K');
      open = false;
    },
  };
}
