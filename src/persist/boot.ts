/**
 * Page start: applies the link in the address (dropped fields become notices), keeps the
 * address in step with the settings, follows links pasted into the same tab, and starts
 * saving runs (restoring the last settings when the page opened without a link).
 */
import type { StoreApi } from 'zustand/vanilla';
import { applyShareState, shareHash, syncHash } from '../store/share/share-store';
import { decodeShareState } from '../store/share/url-codec';
import type { All } from '../store/types';
import { httpDemoSource, startDemos } from '../store/demo-controller';
import { httpCrossTaskDemos, startCrossTaskDemos } from '../store/crosstask-demo';
import { bootPersistence } from './page-persistence';

/** Applies a hash to the store and shows its notices. */
export function applyHash(store: StoreApi<All>, hash: string): void {
  const { state, notices } = decodeShareState(hash);
  applyShareState(store, state);
  store.getState().addShareNotices(notices);
}

/** Wires the page's store to `location.hash` and IndexedDB. Call once, before rendering. */
export function bootSharing(store: StoreApi<All>): void {
  const hash = location.hash;
  applyHash(store, hash);
  // The address shows the settings in effect at once: dropped fields must not come back on reload.
  const write = (h: string) => history.replaceState(null, '', h);
  write(shareHash(store));
  syncHash(store, write);
  // replaceState fires no hashchange, so this only sees links pasted or edited by hand.
  addEventListener('hashchange', () => {
    store.getState().dismissShareNotices();
    applyHash(store, location.hash);
  });
  const persistence = bootPersistence(store, hash.replace(/^#/, '') === '');
  // A demo waits for the saved runs (one of them may stand for the settings already), but not
  // long after its files are in: a fresh browser profile takes a second to create the database,
  // and demo ids are fixed, so a demo restored late is never a second copy.
  const demos = startDemos(store, httpDemoSource(new URL('models/', document.baseURI).href));
  const fetched = demos.prefetch().then(() => new Promise((r) => setTimeout(r, 150)));
  void persistence.ready.then(() => performance.mark('salscape:saved-runs-ready'));
  void Promise.race([persistence.ready, fetched])
    .then(() => demos.check())
    .then(() => persistence.ready)
    .then(() => demos.check());
  startCrossTaskDemos(
    store,
    httpCrossTaskDemos(new URL('models/crosstask/', document.baseURI).href),
  );
}
