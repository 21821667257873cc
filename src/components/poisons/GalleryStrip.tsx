/**
 * One poisoned run in the gallery: original | amplified perturbation | poisoned for a few
 * images per class, with the measured norms and the method's own report.
 */
import { useEffect, useMemo, useRef } from 'react';
import { POISON_METHODS } from '../../core/poison-types';
import type { RunState } from '../../store';
import { fmtBudget, METHOD_SHORT, noteSentence } from '../../store/poison-config';
import { amplification, maxAbs, stripPixels, stripSize } from '../../scene/gallery-pixels';
import { fmtSeconds } from '../common/format';

const STOP_WORDS = {
  'loss-threshold': 'the surrogate loss fell below the threshold',
  'max-rounds': 'it reached the round limit',
} as const;

export function GalleryStrip({ run }: { run: RunState }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const poison = run.poison;
  const gallery = poison?.gallery ?? null;
  const factor = useMemo(
    () => (gallery ? amplification(maxAbs(gallery.perturbation)) : 1),
    [gallery],
  );
  const size = gallery ? stripSize(gallery) : { width: 1, height: 1 };

  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx || !gallery || gallery.count === 0) return;
    const { width, height } = stripSize(gallery);
    ctx.putImageData(new ImageData(stripPixels(gallery, factor), width, height), 0, 0);
  }, [gallery, factor]);

  const method = run.method!;
  const info = POISON_METHODS[method];
  const head = (
    <h3>
      <span className="swatch" style={{ background: run.color }} aria-hidden />
      {METHOD_SHORT[method]}{' '}
      <span className="muted small">
        {run.poisonSettings ? fmtBudget(method, run.poisonSettings.eps) : ''}
        {run.poisonSettings && run.poisonSettings.ratio < 1
          ? `, ${Math.round(run.poisonSettings.ratio * 100)} % of images`
          : ''}
      </span>
      {info.reduced && (
        <span className="tag" title={noteSentence(info.reduced)}>
          reduced
        </span>
      )}
      {info.departure && (
        <span className="tag" title={noteSentence(info.departure)}>
          departs
        </span>
      )}
    </h3>
  );
  if (!poison || !gallery) {
    return (
      <div className="strip" data-method={method}>
        {head}
        <p className="muted small">
          {run.status === 'failed'
            ? `No images: ${run.error ?? 'the run failed'}`
            : run.status === 'cancelled'
              ? 'No images: the run was cancelled before its poison was made.'
              : 'The poisoned images appear once this run has made its poison.'}
        </p>
      </div>
    );
  }
  const { summary } = poison;
  const { norms, report } = summary;
  // Results saved before TAP and SEP were labelled reduced lack the field; the method is the same.
  const reduced = summary.reduced ?? info.reduced;
  const factorText = `×${factor}`;
  return (
    <div className="strip" data-method={method}>
      {head}
      <div className="strip-body">
        <div className="strip-labels" aria-hidden>
          <span>original</span>
          <span title="grey = no change; darker = the poison lowered the pixel, lighter = raised it">
            change {factorText}, grey = 0
          </span>
          <span>poisoned</span>
        </div>
        <canvas
          ref={ref}
          width={size.width}
          height={size.height}
          style={{ aspectRatio: `${size.width} / ${size.height}` }}
          aria-label={`${gallery.count} images: original, perturbation amplified ${factorText}, poisoned`}
        />
      </div>
      <p className="small strip-norms">
        measured after quantisation on {summary.poisonedCount.toLocaleString('en-US')} poisoned
        images: L∞ max <b>{norms.linfMax.toFixed(3)}</b> · mean L2 <b>{norms.l2Mean.toFixed(2)}</b>{' '}
        · mean L0 <b>{Math.round(norms.l0Mean).toLocaleString('en-US')}</b> values changed · made in{' '}
        {fmtSeconds(summary.seconds)}
      </p>
      {(report.rounds !== undefined ||
        report.notes.length > 0 ||
        reduced !== undefined ||
        info.departure !== undefined) && (
        <ul className="strip-notes small muted">
          {report.rounds !== undefined && !report.notes.some((n) => /round/.test(n)) && (
            <li>
              {report.rounds} min-min rounds; stopped because{' '}
              {report.stopReason ? STOP_WORDS[report.stopReason] : 'the loop ended'}
              {report.finalLoss !== undefined && ` (surrogate loss ${report.finalLoss.toFixed(4)})`}
              .
            </li>
          )}
          {reduced && <li>{noteSentence(reduced)}</li>}
          {info.departure && <li>{noteSentence(info.departure)}</li>}
          {report.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
