/** Reads the shareable state out of the store and applies a decoded link to it. */
import type { StoreApi } from 'zustand/vanilla';
import { sortMethods } from '../../store/poison-config';
import type { All } from '../../store/types';
import type { SharePatch, ShareState } from './share-types';
import { encodeShareState } from './url-codec';

/** The shareable part of the store's state (fresh objects, safe to keep). */
export function shareState(store: StoreApi<All>): ShareState {
  const s = store.getState();
  return {
    config: { ...s.config },
    poison: { ...s.poison, methods: [...s.poison.methods], eps: { ...s.poison.eps } },
    defence: s.defence ? { ...s.defence } : null,
    salOn: s.salOn,
    salSettings: { ...s.salSettings },
    landscapeSettings: { ...s.landscapeSettings },
    landscapeView: s.landscapeView,
    landscapeLogScale: s.landscapeLogScale,
    backendPreference: s.backendPreference,
    lesson: s.lesson ? { ...s.lesson } : null,
  };
}

/** The hash of the store's current settings. */
export const shareHash = (store: StoreApi<All>): string => encodeShareState(shareState(store));

/**
 * Applies what a link set; everything it leaves out stays as it is. The backend is switched
 * only when no run is active (otherwise the store refuses, and the preference stays).
 */
export function applyShareState(store: StoreApi<All>, patch: SharePatch): void {
  const s = store.getState();
  if (patch.config) s.setConfig(patch.config);
  if (patch.poison) {
    const p = patch.poison;
    store.setState((st) => ({
      poison: {
        ...st.poison,
        ...p,
        methods: p.methods ? sortMethods(p.methods) : st.poison.methods,
        eps: p.eps ? { ...p.eps } : st.poison.eps,
      },
    }));
  }
  if (patch.defence !== undefined) s.setDefence(patch.defence);
  if (patch.salOn !== undefined) s.setSalOn(patch.salOn);
  if (patch.salSettings) s.setSalSettings(patch.salSettings);
  if (patch.landscapeSettings) s.setLandscapeSettings(patch.landscapeSettings);
  if (patch.landscapeView) s.setLandscapeView(patch.landscapeView);
  if (patch.landscapeLogScale !== undefined) s.setLandscapeLogScale(patch.landscapeLogScale);
  if (patch.backendPreference && patch.backendPreference !== s.backendPreference) {
    if (s.client) s.setBackendPreference(patch.backendPreference);
    else store.setState({ backendPreference: patch.backendPreference });
  }
  if (patch.lesson !== undefined) s.setLesson(patch.lesson);
}

/**
 * Keeps the page's hash in step with the settings: `replace` (history.replaceState in the app)
 * is called `delayMs` after the last change, and only when the hash differs. Returns a stop
 * function.
 */
export function syncHash(
  store: StoreApi<All>,
  replace: (hash: string) => void,
  delayMs = 300,
): () => void {
  let last = shareHash(store);
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    const hash = shareHash(store);
    if (hash !== last) {
      last = hash;
      replace(hash);
    }
  };
  const unsub = store.subscribe((st, prev) => {
    const changed =
      st.config !== prev.config ||
      st.poison !== prev.poison ||
      st.defence !== prev.defence ||
      st.salOn !== prev.salOn ||
      st.salSettings !== prev.salSettings ||
      st.landscapeSettings !== prev.landscapeSettings ||
      st.landscapeView !== prev.landscapeView ||
      st.landscapeLogScale !== prev.landscapeLogScale ||
      st.backendPreference !== prev.backendPreference ||
      st.lesson !== prev.lesson;
    if (!changed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, delayMs);
  });
  return () => {
    unsub();
    if (timer) clearTimeout(timer);
  };
}
