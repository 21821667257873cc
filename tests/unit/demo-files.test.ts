/**
 * The committed demos in public/models (npm run demo:build): they decode, stay under the 10 MB
 * budget, hold every run with all checkpoints and the default landscapes, and serve the app's
 * first open (the default settings) and every lesson's settings.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANDSCAPE_DEFAULTS } from '../../src/core/landscape-types';
import { POISON_METHOD_IDS } from '../../src/core/poison-types';
import { createAppStore } from '../../src/store';
import { decodeDemoFile, decodeDemoIndex, mergeDemoParts } from '../../src/app/demos/demo-file';
import { matchDemo } from '../../src/app/demos/demo-match';
import { DEFAULT_METHODS } from '../../src/store/poison-config';
import { LESSONS } from '../../src/app/lessons/lessons';
import { applyShareState } from '../../src/app/share/share-store';

const DIR = join(__dirname, '..', '..', 'public', 'models');
const index = decodeDemoIndex(JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')));
const settingsOf = (s: ReturnType<ReturnType<typeof createAppStore>['getState']>) => ({
  config: s.config,
  poison: s.poison,
  salOn: s.salOn,
  salSettings: s.salSettings,
  defence: s.defence,
});

describe('the committed demos', () => {
  it('stay under 10 MB in all, and the index states each file size', () => {
    let total = statSync(join(DIR, 'index.json')).size;
    for (const d of index.demos) {
      for (const f of d.files) {
        const size = statSync(join(DIR, f.file)).size;
        expect(size).toBe(f.bytes);
        total += size;
      }
      expect(d.files.reduce((n, f) => n + f.bytes, 0)).toBe(d.bytes);
    }
    expect(total).toBeLessThan(10_000_000);
  });

  it('the default settings of a first open are served by the default demo', () => {
    const m = matchDemo(index, settingsOf(createAppStore().getState()));
    expect(m?.entry.id).toBe('mnist-cnn-s');
    expect(m?.methods).toEqual([...DEFAULT_METHODS]);
    expect(m?.entry.methods).toEqual([...POISON_METHOD_IDS]);
  });

  it.each(LESSONS.map((l) => [l.id, l] as const))('lesson %s is served by a demo', (_id, l) => {
    const store = createAppStore();
    applyShareState(store, l.patch);
    expect(matchDemo(index, settingsOf(store.getState()))).not.toBeNull();
  });

  it.each(index.demos.map((d) => [d.id, d] as const))(
    '%s: every run done with all checkpoints, and the default landscapes of each',
    (_id, d) => {
      const f = mergeDemoParts(
        d.files.map((x) => decodeDemoFile(readFileSync(join(DIR, x.file), 'utf8'))),
      );
      expect(f.settings).toEqual(d.settings);
      expect(f.runs.map((r) => r.key)).toEqual(['clean', ...d.methods]);
      for (const r of f.runs) {
        expect(r.run.status).toBe('done');
        expect(r.run.epochs).toHaveLength(d.settings.config.epochs);
        expect(r.checkpoints).toHaveLength(d.settings.config.epochs + 1);
        expect(r.run.sal?.values).toHaveLength(d.settings.config.epochs);
        const mine = f.landscapes.filter((l) => l.source === r.key);
        expect(mine.map((l) => `${l.kind}:${l.target ?? '-'}`).sort()).toEqual(
          r.key === 'clean'
            ? [
                'interpolation:-',
                'path:-',
                'surface:-',
                ...d.methods.map((m) => `interpolation:${m}`),
              ].sort()
            : ['interpolation:-', 'path:-', 'surface:-'],
        );
        for (const l of mine) expect(l.settings).toEqual(LANDSCAPE_DEFAULTS);
      }
    },
  );
});
