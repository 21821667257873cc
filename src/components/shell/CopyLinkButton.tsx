/** "Copy link": the page address with every setting in the hash, to the clipboard. */
import './share.css';
import { useRef, useState } from 'react';
import { appStore } from '../../store';
import { shareHash } from '../../app/share/share-store';

export function CopyLinkButton() {
  const [fallback, setFallback] = useState<string | null>(null);
  const [confirm, setConfirm] = useState('');
  const field = useRef<HTMLInputElement>(null);

  const copy = async () => {
    const url = `${location.href.split('#')[0]}${shareHash(appStore)}`;
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      setFallback(null);
      setConfirm('Link copied');
    } catch {
      // Without clipboard access (http, permissions) show the link selected for Ctrl+C.
      setFallback(url);
      setConfirm('Press Ctrl+C to copy the selected link');
      requestAnimationFrame(() => field.current?.select());
    }
    setTimeout(() => setConfirm(''), 4000);
  };

  return (
    <span className="copy-link">
      <button
        type="button"
        data-testid="copy-link"
        title="Copies a link that opens SALscape with these settings (press Train to reproduce the run)"
        onClick={() => void copy()}
      >
        Copy link
      </button>
      {fallback && (
        <input
          ref={field}
          readOnly
          aria-label="Link to these settings"
          data-testid="copy-link-text"
          value={fallback}
          onFocus={(e) => e.currentTarget.select()}
        />
      )}
      <span className="confirm" role="status" data-testid="copy-link-status">
        {confirm}
      </span>
    </span>
  );
}
