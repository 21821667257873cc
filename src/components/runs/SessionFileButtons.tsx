/** Export every experiment as a `.salscape.json` session file (weights optional); import one. */
import './runs.css';
import { useState, type ChangeEvent } from 'react';
import { pagePersistence } from '../../app/persist/page-persistence';
import { exportSession, importSession } from '../../app/persist/session-io';
import { appStore } from '../../store';
import { SESSION_SUFFIX } from '../../app/share/session-file';

export function SessionFileButtons() {
  const [withWeights, setWithWeights] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  const onExport = async () => {
    const text = await exportSession(appStore, pagePersistence(), withWeights);
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `salscape-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}${SESSION_SUFFIX}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    setMessage({ text: `Exported (${(text.length / 1024).toFixed(0)} KB).`, error: false });
  };

  const onImport = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    const r = await importSession(appStore, pagePersistence(), await file.text());
    setMessage(r.ok ? { text: r.message, error: false } : { text: r.error, error: true });
  };

  return (
    <div className="files">
      <button type="button" data-testid="session-export" onClick={() => void onExport()}>
        Export session
      </button>
      <label>
        <input
          type="checkbox"
          checked={withWeights}
          onChange={(e) => setWithWeights(e.target.checked)}
        />{' '}
        with weights
      </label>
      <label className="file-label">
        Import session…
        <input
          type="file"
          className="visually-hidden"
          accept=".json,application/json"
          data-testid="session-import"
          onChange={(e) => void onImport(e)}
        />
      </label>
      {message && (
        <p
          className={message.error ? 'error small' : 'muted small'}
          role={message.error ? 'alert' : 'status'}
          data-testid="session-message"
        >
          {message.text}
        </p>
      )}
    </div>
  );
}
