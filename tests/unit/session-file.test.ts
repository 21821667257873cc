import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng';
import {
  base64ToBytes,
  base64ToFloat32,
  bytesToBase64,
  float32ToBase64,
} from '../../src/core/session-file-binary';
import { savedFromStore } from '../../src/app/share/saved-experiment';
import { decodeSession, encodeSession, SESSION_FORMAT } from '../../src/app/share/session-file';
import { shareHash } from '../../src/app/share/share-store';
import { exportSession, importSession } from '../../src/app/persist/session-io';
import { fakeStore, floats, runExperiment, snapshot } from './helpers/share-fixture';

const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function sessionText() {
  const { store, lab } = fakeStore();
  store.getState().setDefence({ id: 'jpeg', quality: 30 });
  const id = runExperiment(store, lab, 5);
  store.getState().renameExperiment(id, 'LSP on MNIST');
  const saved = savedFromStore(store.getState(), id, 1234)!;
  const weights = [{ runId: saved.runs[0]!.id, epoch: 2, weights: snapshot(new Rng(9)) }];
  return { store, saved, weights, text: encodeSession(shareHash(store), [saved], weights) };
}

describe('base64 of typed arrays', () => {
  it('round-trips bytes of every length and float32 bit-exactly (NaN, -0 included)', () => {
    const rng = new Rng(3);
    for (let n = 0; n < 10; n++) {
      const b = Uint8Array.from({ length: n }, () => Math.floor(rng.next() * 256));
      const s = bytesToBase64(b);
      expect(s).toBe(Buffer.from(b).toString('base64'));
      expect(Array.from(base64ToBytes(s))).toEqual(Array.from(b));
    }
    const f = floats(rng, 1000);
    expect(bitsOf(base64ToFloat32(float32ToBase64(f)))).toEqual(bitsOf(f));
    expect(() => base64ToBytes('ab$d')).toThrow(/invalid base64/);
  });
});

describe('session files', () => {
  it('round-trips configuration, results and weights; typed arrays bit-exact', () => {
    const { store, saved, weights, text } = sessionText();
    const r = decodeSession(text);
    if (!r.ok) throw new Error(r.error);
    expect(r.session.settings.notices).toEqual([]);
    expect(r.session.settings.state.defence).toEqual({ id: 'jpeg', quality: 30 });
    expect(r.session.settings.state.config).toEqual(store.getState().config);
    expect(r.session.experiments).toHaveLength(1);
    const back = r.session.experiments[0]!;
    expect(back.name).toBe('LSP on MNIST');
    expect(back.experiment).toEqual(saved.experiment);
    // toEqual treats NaN as equal to NaN; the bit checks below are the strict part.
    expect(back.runs).toEqual(saved.runs);
    const [clean, poisoned] = [back.runs[0]!, back.runs[1]!];
    expect(Number.isNaN(clean.epochs[0]!.testLoss)).toBe(true);
    expect(clean.samples!.images).toBeInstanceOf(Uint8Array);
    const g0 = saved.runs[1]!.poison!.gallery.perturbation;
    expect(bitsOf(poisoned.poison!.gallery.perturbation)).toEqual(bitsOf(g0));
    expect(Object.is(poisoned.poison!.gallery.perturbation[1], -0)).toBe(true);
    expect(r.session.weights).toHaveLength(1);
    r.session.weights[0]!.weights.data.forEach((d, i) =>
      expect(bitsOf(d)).toEqual(bitsOf(weights[0]!.weights.data[i]!)),
    );
  });

  it('starts with the format tag and version and stores arrays compactly', () => {
    const { text } = sessionText();
    expect(text.startsWith(`{"format":"${SESSION_FORMAT}","version":1,`)).toBe(true);
    expect(text).toContain('"$f32":"');
    expect(text).not.toMatch(/"perturbation":\{"0":/);
  });

  it('rejects truncated JSON, foreign files, newer versions and wrong field types, with messages', () => {
    const { text } = sessionText();
    const reject = (t: string) => {
      const r = decodeSession(t);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error;
    };
    expect(reject(text.slice(0, text.length / 2))).toMatch(/not valid JSON, perhaps cut short/);
    expect(reject('[1,2]')).toMatch(/not a SALscape session file/);
    expect(reject('{"format":"tfjs-model","version":1}')).toMatch(
      /its format is "tfjs-model", expected "salscape-session"/,
    );
    expect(reject('{"version":1}')).toMatch(/its format is missing/);
    const obj = JSON.parse(text) as Record<string, unknown>;
    expect(reject(JSON.stringify({ ...obj, version: 2 }))).toMatch(
      /version 2, newer than this SALscape reads \(version 1\)/,
    );
    expect(reject(JSON.stringify({ ...obj, version: 'one' }))).toMatch(/no valid version/);
    const wrongType = text.replace('"trainSize":100', '"trainSize":"100"');
    expect(wrongType).not.toBe(text);
    expect(reject(wrongType)).toMatch(
      /damaged: experiments\.0\.experiment\.config\.trainSize: .*number/,
    );
    const badStatus = text.replace('"status":"done"', '"status":"exploded"');
    expect(reject(badStatus)).toMatch(/damaged: experiments\.0\.runs\.0\.status/);
    const badB64 = text.replace(/"\$f32":"[^"]{4}/, '"$f32":"!!!!');
    expect(reject(badB64)).toMatch(/not valid JSON.*invalid base64/);
    const badWeights = JSON.stringify({
      ...obj,
      weights: [
        {
          runId: 'r',
          epoch: 1,
          weights: {
            names: ['a'],
            shapes: [[2, 2]],
            data: [{ $f32: float32ToBase64(new Float32Array(3)) }],
          },
        },
      ],
    });
    expect(reject(badWeights)).toMatch(
      /damaged: weights\.0\.weights\.data\.0: has 3 values, shape 2x2 needs 4/,
    );
  });

  it('export then import adds the experiments next to the existing ones, under new ids', async () => {
    const a = fakeStore();
    const id = runExperiment(a.store, a.lab, 1);
    const text = await exportSession(a.store, null, false, 5000);
    const b = fakeStore();
    const own = runExperiment(b.store, b.lab, 2);
    const before = b.store.getState().runs[b.store.getState().experiments[own]!.cleanRunId];
    const res = await importSession(b.store, null, text, 'x');
    expect(res).toEqual({ ok: true, message: 'Imported 1 experiment (2 runs).' });
    const s = b.store.getState();
    expect(s.experimentOrder).toEqual([own, 'imp-x-1']);
    const imported = s.experiments['imp-x-1']!;
    expect(s.runs[imported.cleanRunId]!.epochs).toEqual(
      a.store.getState().runs[a.store.getState().experiments[id]!.cleanRunId]!.epochs,
    );
    expect(s.runs[s.experiments[own]!.cleanRunId]).toBe(before);
    const bad = await importSession(b.store, null, text.slice(0, 100));
    expect(bad.ok).toBe(false);
    expect(b.store.getState().experimentOrder).toEqual([own, 'imp-x-1']);
  });
});
