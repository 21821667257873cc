/**
 * Pretrained demos, without a worker: which settings a demo serves (app/demos/demo-match.ts) and
 * the demo file codec (app/demos/demo-file.ts). Loading is in demo-store.test.ts, fetching in
 * demo-controller.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { AppStore } from '../../src/store';
import {
  decodeDemoFile,
  encodeDemoFile,
  mergeDemoParts,
  splitDemoFile,
} from '../../src/app/demos/demo-file';
import { matchDemo, type MatchSettings } from '../../src/app/demos/demo-match';
import { demoStore, index, METHODS, plain } from './helpers/demo-fixture';

const settingsOf = (store: AppStore): MatchSettings => {
  const s = store.getState();
  return {
    config: s.config,
    poison: s.poison,
    salOn: s.salOn,
    salSettings: s.salSettings,
    defence: s.defence,
  };
};

describe('which settings a demo serves', () => {
  it('serves the settings it was built with, any subset of its methods, and none toggled', () => {
    const { store } = demoStore(['lsp']);
    expect(matchDemo(index, settingsOf(store))?.entry.id).toBe('plain');
    store.getState().toggleMethod('tap', true);
    store.getState().toggleMethod('random', true);
    const m = matchDemo(index, settingsOf(store));
    expect(m?.entry.id).toBe('plain');
    expect(m?.methods).toEqual(['random', 'lsp', 'tap']);
    for (const x of METHODS) store.getState().toggleMethod(x, false);
    expect(matchDemo(index, settingsOf(store))?.methods).toEqual([]);
  });

  it.each([
    ['another training size', (s: AppStore) => s.getState().setConfig({ trainSize: 120 })],
    ['another seed', (s: AppStore) => s.getState().setConfig({ seed: 2 })],
    ['another learning rate', (s: AppStore) => s.getState().setConfig({ lr: 0.01 })],
    ['SAL off', (s: AppStore) => s.getState().setSalOn(false)],
    ['another SAL radius', (s: AppStore) => s.getState().setSalSettings({ eps: 0.1 })],
    ['a defence', (s: AppStore) => s.getState().setDefence({ id: 'bitdepth', bits: 2 })],
    ['another poison ratio', (s: AppStore) => s.getState().setPoison({ ratio: 0.5 })],
    ['another poison seed', (s: AppStore) => s.getState().setPoison({ seed: 9 })],
    ['another LSP budget', (s: AppStore) => s.getState().setMethodEps('lsp', 1)],
    ['a method the demo lacks', (s: AppStore) => s.getState().toggleMethod('em', true)],
  ])('does not serve %s', (_what, change) => {
    const { store } = demoStore(['lsp']);
    change(store);
    expect(matchDemo(index, settingsOf(store))).toBeNull();
  });

  it('the defended demo serves its defence and method only, at 2 bits', () => {
    const { store } = demoStore(['em-class']);
    expect(matchDemo(index, settingsOf(store))).toBeNull();
    store.getState().setDefence({ id: 'bitdepth', bits: 2 });
    expect(matchDemo(index, settingsOf(store))?.entry.id).toBe('defended');
    store.getState().setDefence({ id: 'bitdepth', bits: 3 });
    expect(matchDemo(index, settingsOf(store))).toBeNull();
  });
});

describe('the demo file codec', () => {
  it('round-trips bit-exactly through its compact text', () => {
    const back = decodeDemoFile(encodeDemoFile(plain));
    expect(back.runs.map((r) => r.key)).toEqual(['clean', ...METHODS]);
    const a = plain.runs[1]!.checkpoints[2]!.data[0]!;
    const b = back.runs[1]!.checkpoints[2]!.data[0]!;
    expect(new Uint8Array(b.buffer)).toEqual(new Uint8Array(a.buffer));
    expect(back.landscapes).toHaveLength(plain.landscapes.length);
  });

  it('is cut into one file per run (landscapes with the run they start from) and merged back', () => {
    const parts = splitDemoFile(plain);
    expect(parts.map((p) => p.key)).toEqual(['clean', ...METHODS]);
    expect(parts[0]!.part.landscapes.every((l) => l.source === 'clean')).toBe(true);
    expect(parts[0]!.part.landscapes.filter((l) => l.target !== null)).toHaveLength(3);
    const whole = mergeDemoParts(parts.map((p) => p.part));
    expect(whole.runs).toEqual(plain.runs);
    expect(whole.landscapes).toHaveLength(plain.landscapes.length);
    expect(new Set(whole.landscapes)).toEqual(new Set(plain.landscapes));
    const two = mergeDemoParts([parts[0]!.part, parts[2]!.part]);
    expect(two.runs.map((r) => r.key)).toEqual(['clean', 'lsp']);
    expect(() => mergeDemoParts([parts[0]!.part, { ...parts[1]!.part, createdAt: 'x' }])).toThrow(
      /different builds/,
    );
  });

  it.each([
    ['not JSON', '{"format":', /not valid JSON/],
    ['another format', JSON.stringify({ format: 'x', version: 1 }), /damaged: format/],
    [
      'a run without checkpoints',
      encodeDemoFile({ ...plain, runs: plain.runs.map((r) => ({ ...r, checkpoints: [] })) }),
      /damaged: runs\.0\.checkpoints/,
    ],
    [
      'a damaged run record',
      encodeDemoFile({
        ...plain,
        runs: plain.runs.map((r) => ({ ...r, run: { ...r.run, status: 'odd' as 'done' } })),
      }),
      /damaged: runs\.runs\.0\.status/,
    ],
  ])('rejects %s with a message', (_what, text, msg) => {
    expect(() => decodeDemoFile(text)).toThrow(msg);
  });
});
