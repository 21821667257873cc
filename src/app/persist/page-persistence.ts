/** The page's persister, started once at boot and reached by the Runs panel and file buttons. */
import type { StoreApi } from 'zustand/vanilla';
import type { All } from '../../store/types';
import { RunDb } from './db';
import { startPersistence, type Persistence } from './persister';

let current: Persistence | null = null;

/** Starts saving runs of the page's store; `restoreSettings` when no link set them. */
export function bootPersistence(store: StoreApi<All>, restoreSettings: boolean): Persistence {
  current?.stop();
  current = startPersistence(store, () => RunDb.open(), { restoreSettings });
  return current;
}

/** The page's persister (null before boot). */
export const pagePersistence = (): Persistence | null => current;
