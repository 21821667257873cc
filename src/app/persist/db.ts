/**
 * The IndexedDB database of saved runs (via `idb`): one record per experiment (its runs'
 * results inside), the final weights of each run, and the last settings as a link hash.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import {
  markInterrupted,
  type SavedExperiment,
  type SavedWeights,
} from '../share/saved-experiment';

/** Database name and version (bump the version with an upgrade step when the schema changes). */
export const DB_NAME = 'salscape';
export const DB_VERSION = 1;

interface SalscapeSchema extends DBSchema {
  experiments: { key: string; value: SavedExperiment };
  weights: { key: string; value: SavedWeights };
  settings: { key: string; value: { hash: string; savedAt: number } };
}

/** The saved-runs database: every method rejects when IndexedDB fails (quota, private mode). */
export class RunDb {
  private constructor(private readonly db: IDBPDatabase<SalscapeSchema>) {}

  /** Opens (creating or upgrading) the database; rejects where IndexedDB is unavailable. */
  static async open(name = DB_NAME): Promise<RunDb> {
    if (typeof indexedDB === 'undefined') throw new Error('this browser offers no IndexedDB');
    const db = await openDB<SalscapeSchema>(name, DB_VERSION, {
      upgrade(d) {
        if (!d.objectStoreNames.contains('experiments'))
          d.createObjectStore('experiments', { keyPath: 'id' });
        if (!d.objectStoreNames.contains('weights'))
          d.createObjectStore('weights', { keyPath: 'runId' });
        if (!d.objectStoreNames.contains('settings')) d.createObjectStore('settings');
      },
    });
    return new RunDb(db);
  }

  close(): void {
    this.db.close();
  }

  /** Every saved experiment, in the order its clean run started. */
  async experiments(): Promise<SavedExperiment[]> {
    const all = await this.db.getAll('experiments');
    const start = (x: SavedExperiment) => x.runs[0]?.startedAt ?? x.savedAt;
    return all.sort((a, b) => start(a) - start(b));
  }

  /**
   * Loads every experiment after a reload: runs that were still active (the page closed or
   * crashed) are marked failed as interrupted, and that marking is saved back.
   */
  async loadMarkingInterrupted(): Promise<SavedExperiment[]> {
    const all = await this.experiments();
    const out = all.map(markInterrupted);
    const changed = out.filter((x, i) => x !== all[i]);
    if (changed.length) {
      const tx = this.db.transaction('experiments', 'readwrite');
      await Promise.all([...changed.map((x) => tx.store.put(x)), tx.done]);
    }
    return out;
  }

  async put(x: SavedExperiment): Promise<void> {
    await this.db.put('experiments', x);
  }

  /** Renames a saved experiment (an empty name clears it); false when it is not saved. */
  async rename(id: string, name: string): Promise<boolean> {
    const tx = this.db.transaction('experiments', 'readwrite');
    const x = await tx.store.get(id);
    if (x) await tx.store.put({ ...x, name: name.trim() || null });
    await tx.done;
    return Boolean(x);
  }

  /** Deletes an experiment and the weights of its runs. */
  async delete(id: string): Promise<void> {
    const tx = this.db.transaction(['experiments', 'weights'], 'readwrite');
    const x = await tx.objectStore('experiments').get(id);
    const ops: Promise<unknown>[] = [tx.objectStore('experiments').delete(id)];
    for (const r of x?.runs ?? []) ops.push(tx.objectStore('weights').delete(r.id));
    await Promise.all([...ops, tx.done]);
  }

  async putWeights(w: SavedWeights): Promise<void> {
    await this.db.put('weights', w);
  }

  /** Final weights of the given runs, where saved. */
  async weights(runIds: readonly string[]): Promise<SavedWeights[]> {
    const got = await Promise.all(runIds.map((id) => this.db.get('weights', id)));
    return got.filter((w): w is SavedWeights => w !== undefined);
  }

  async saveSettings(hash: string, now = Date.now()): Promise<void> {
    await this.db.put('settings', { hash, savedAt: now }, 'current');
  }

  /** The last saved settings hash, or null. */
  async settings(): Promise<string | null> {
    return (await this.db.get('settings', 'current'))?.hash ?? null;
  }
}
