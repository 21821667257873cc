/**
 * The one mark of a run that did not train (core/breakdown.ts), used on run lines, UD cards and
 * legends alike, so the words, the colour and the hover text (why, and what to try) never drift.
 */
import './common.css';
import { DID_NOT_TRAIN_ADVICE, DID_NOT_TRAIN_LABEL } from '../../core/breakdown';

export function DidNotTrainMark({ reason, advice = false }: { reason: string; advice?: boolean }) {
  return (
    <span
      className="did-not-train"
      data-testid="did-not-train"
      title={`Did not train: ${reason}. A breakdown of training, not a poison at work: ${DID_NOT_TRAIN_ADVICE}.`}
    >
      {DID_NOT_TRAIN_LABEL}
      {advice ? `: ${DID_NOT_TRAIN_ADVICE}` : ''}
    </span>
  );
}
