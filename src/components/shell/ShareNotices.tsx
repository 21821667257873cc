/** Banners: link fields that were dropped (each named) and saved runs being unavailable. */
import './share.css';
import { useApp } from '../../store';

export function ShareNotices() {
  const notices = useApp((s) => s.shareNotices);
  const persist = useApp((s) => s.persistNotice);
  const dismiss = useApp((s) => s.dismissShareNotices);
  const dismissPersist = useApp((s) => s.setPersistNotice);
  if (notices.length === 0 && !persist) return null;
  return (
    <div className="share-notices">
      {notices.length > 0 && (
        <div className="share-notice" role="alert" data-testid="share-notices">
          <div className="grow">
            Some settings in the link were not used; everything else applies.
            <ul>
              {notices.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          </div>
          <button type="button" aria-label="Dismiss the link notices" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      )}
      {persist && (
        <div className="share-notice failed" role="alert" data-testid="persist-notice">
          <div className="grow">{persist}</div>
          <button
            type="button"
            aria-label="Dismiss the storage notice"
            onClick={() => dismissPersist(null)}
          >
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
