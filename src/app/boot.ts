/**
 * Page start, the one place it happens: applies the link in the address (dropped fields become
 * notices), keeps the address in step with the settings, follows links pasted into the same
 * tab, starts saving runs (restoring the last settings when the page opened without a link),
 * loads a matching demo, and once the first view is drawn starts the lab worker and the
 * cross-task demos.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { All } from '../store/types';
import { LabClient } from '../workers/client';
import { httpCrossTaskDemos, startCrossTaskDemos } from './demos/crosstask-demo';
import { FULL_VIEW_MARK, httpDemoSource, startDemos } from './demos/demo-controller';
import { bootPersistence } from './persist/page-persistence';
import { applyShareState, shareHash, syncHash } from './share/share-store';
import { decodeShareState } from './share/url-codec';

/**
 * Starts the page on its store. Call once, before rendering: the link's settings apply before
 * the first render and before the worker starts (backend). Resolves once the first view is
 * drawn (see {@link bootSharing}).
 */
export function bootPage(store: StoreApi<All>): Promise<void> {
  const firstView = bootSharing(store);
  startLab(store, firstView);
  return firstView;
}

/** Applies a hash to the store and shows its notices. */
export function applyHash(store: StoreApi<All>, hash: string): void {
  const { state, notices } = decodeShareState(hash);
  applyShareState(store, state);
  store.getState().addShareNotices(notices);
}

/**
 * Wires the page's store to `location.hash` and IndexedDB. Call once, before rendering.
 * Resolves once the first view is drawn (a matching demo loaded and painted, or none to load;
 * at most {@link FIRST_VIEW_WAIT_MS} in): the lab worker and the cross-task demos start then,
 * because on a 2-core machine their start (WASM compile, calibration, parsing) delays a demo
 * link's first full view by half a second.
 */
export function bootSharing(store: StoreApi<All>): Promise<void> {
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
  const fetched = demos.prefetch().then(() => {
    performance.mark('salscape:demo-fetched'); // for bench:demo
    return new Promise((r) => setTimeout(r, 150));
  });
  void persistence.ready.then(() => performance.mark('salscape:saved-runs-ready'));
  const first = Promise.race([persistence.ready, fetched]).then(() => demos.check());
  void first.then(() => persistence.ready).then(() => demos.check());
  // A demo is drawn when its full view is marked (DemoBanner); without one, after a paint.
  const drawn = first.then(
    (demoId) => (demoId ? whenMarked(FULL_VIEW_MARK) : afterNextPaint()),
    afterNextPaint,
  );
  const firstView = Promise.race([drawn, delay(FIRST_VIEW_WAIT_MS)]);
  void firstView.then(() =>
    startCrossTaskDemos(
      store,
      httpCrossTaskDemos(new URL('models/crosstask/', document.baseURI).href),
    ),
  );
  return firstView;
}

/**
 * One worker for the page; the store routes its messages to the runs. It starts once the first
 * view is drawn and the page is idle (at most 1 s later): starting the backend (WASM compile,
 * calibration) competes with drawing a demo on a 2-core machine.
 */
function startLab(store: StoreApi<All>, firstView: Promise<void>): void {
  const { backendReady, workerError, connectLab } = store.getState();
  const start = () => {
    const client = new LabClient({
      onReady: (msg) => backendReady(msg.backend),
      onError: (message) => workerError(message),
    });
    connectLab(client, new URL('data', document.baseURI).href);
  };
  void firstView.then(() => {
    // Safari has no requestIdleCallback.
    if (typeof window.requestIdleCallback === 'function')
      window.requestIdleCallback(start, { timeout: 1000 });
    else window.setTimeout(start, 0);
  });
}

/** The longest the worker and the cross-task demos wait for the first view (a slow network). */
export const FIRST_VIEW_WAIT_MS = 3000;

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves once the Performance API holds a mark of that name. */
function whenMarked(name: string): Promise<void> {
  return new Promise((resolve) => {
    if (performance.getEntriesByName(name).length > 0) return resolve();
    const observer = new PerformanceObserver((list) => {
      if (!list.getEntriesByName(name).length) return;
      observer.disconnect();
      resolve();
    });
    observer.observe({ type: 'mark' });
  });
}

/** Resolves after the frame that shows the current state has been painted. */
const afterNextPaint = () =>
  new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
