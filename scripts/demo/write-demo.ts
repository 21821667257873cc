/**
 * Writes a built demo to public/models: one file per run (`<id>/<run>.json`, the runs a page
 * toggles are all it fetches) and its entry in index.json.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PoisonMethodId } from '../../src/core/poison-types';
import {
  encodeDemoFile,
  splitDemoFile,
  type DemoFile,
  type DemoIndexEntry,
} from '../../src/app/demos/demo-file';

/** Writes `file`'s run files under `dir` and returns its index entry. */
export function writeDemo(dir: string, file: DemoFile, seconds: number): DemoIndexEntry {
  const folder = path.join(dir, file.id);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const files = splitDemoFile(file).map(({ key, part }) => {
    const text = encodeDemoFile(part);
    const rel = `${file.id}/${key}.json`;
    writeFileSync(path.join(dir, rel), text);
    return { key, file: rel, bytes: Buffer.byteLength(text) };
  });
  return {
    id: file.id,
    files,
    label: file.label,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    settings: file.settings,
    methods: file.runs.slice(1).map((r) => r.key as PoisonMethodId),
    backend: file.backend,
    seconds,
    createdAt: file.createdAt,
  };
}
