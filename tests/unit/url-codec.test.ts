import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../src/store';
import { applyShareState, shareHash, shareState, syncHash } from '../../src/app/share/share-store';
import type { ShareState } from '../../src/app/share/share-types';
import { decodeShareState, encodeShareState } from '../../src/app/share/url-codec';

/** A state where every field differs from the defaults, so a round trip proves each one. */
function everyField(): ShareState {
  return {
    config: {
      dataset: 'fashion',
      model: 'vgg-s',
      trainSize: 1234,
      testSize: 567,
      epochs: 7,
      batchSize: 64,
      lr: 0.0123,
      momentum: 0.85,
      weightDecay: 0.00025,
      seed: 42,
    },
    poison: {
      methods: ['lsp', 'ops', 'em-class'],
      eps: { lsp: 3.29, ops: 2, 'em-class': 0.125 },
      ratio: 0.6,
      seed: 9,
    },
    defence: { id: 'adv', eps: 0.05, steps: 4, stepSize: 0.02 },
    salOn: false,
    salSettings: {
      eps: 0.07,
      lr: 0.2,
      rounds: 5,
      batchSize: 64,
      subsetSize: 512,
      l0Mode: 'inference',
    },
    landscapeSettings: {
      grid: 31,
      range: 0.5,
      seed: 77,
      includeBiases: true,
      data: 'train-clean',
      limit: 500,
    },
    landscapeView: 'path',
    landscapeLogScale: true,
    backendPreference: 'wasm',
    lesson: { id: 'ue-intro', step: 3 },
  };
}

describe('URL codec', () => {
  it('round-trips every field', () => {
    const st = everyField();
    const hash = encodeShareState(st);
    const { state, notices } = decodeShareState(hash);
    expect(notices).toEqual([]);
    expect(state.config).toEqual(st.config);
    expect(state.poison).toEqual({
      methods: ['lsp', 'ops', 'em-class'],
      eps: st.poison.eps,
      ratio: 0.6,
      seed: 9,
    });
    expect(state.defence).toEqual(st.defence);
    expect(state.salOn).toBe(false);
    expect(state.salSettings).toEqual({
      eps: 0.07,
      lr: 0.2,
      rounds: 5,
      batchSize: 64,
      subsetSize: 512,
    });
    expect(state.landscapeSettings).toEqual(st.landscapeSettings);
    expect(state.landscapeView).toBe('path');
    expect(state.landscapeLogScale).toBe(true);
    expect(state.backendPreference).toBe('wasm');
    expect(state.lesson).toEqual({ id: 'ue-intro', step: 3 });
  });

  it('writes a compact, readable hash', () => {
    const hash = encodeShareState(everyField());
    expect(hash).toMatch(/^#d=fashion&m=vgg-s&n=1234,567&e=7&/);
    expect(hash).toContain('p=lsp:3.29,ops:2,em-class:0.125');
    expect(hash).toContain('def=adv:0.05:4:0.02');
    expect(hash).toContain('ls=31,0.5,77,1,train-clean,500');
    expect(hash).not.toMatch(/%2C|%3A/);
  });

  it('round-trips each defence and no defence', () => {
    const ds: ShareState['defence'][] = [
      null,
      { id: 'jpeg', quality: 75 },
      { id: 'bitdepth', bits: 3 },
      { id: 'blur', sigma: 1.5 },
      { id: 'grayscale' },
      { id: 'cutout', size: 6 },
      { id: 'mixup', alpha: 0.4 },
    ];
    for (const d of ds) {
      const r = decodeShareState(encodeShareState({ ...everyField(), defence: d }));
      expect(r.notices).toEqual([]);
      expect(r.state.defence).toEqual(d);
    }
  });

  it('an empty poison list means no poison; a method without budget uses the default', () => {
    expect(decodeShareState('#p=').state.poison).toEqual({ methods: [], eps: {} });
    expect(decodeShareState('#p=tap,lsp').state.poison).toEqual({
      methods: ['lsp', 'tap'],
      eps: {},
    });
  });

  it('drops each kind of bad field with a notice naming it; the good fields still apply', () => {
    const { state, notices } = decodeShareState(
      '#d=cifar&m=resnet&lr=-3&e=abc&foo=bar&b=64&wd=0x10&n=5,300&p=lsp:-1,nope,em:0.3,ops:1.5&def=jpeg:0&v=sideways&be=tpu&sal=on,0.05,zz&log=2&s=7&e=3',
    );
    expect(state.config).toEqual({ batchSize: 64, testSize: 300, seed: 7 });
    expect(state.poison).toEqual({ methods: ['em'], eps: { em: 0.3 } });
    expect(state.salOn).toBe(true);
    expect(state.salSettings).toEqual({ eps: 0.05 });
    expect(state.defence).toBeUndefined();
    expect(state.landscapeView).toBeUndefined();
    expect(state.backendPreference).toBeUndefined();
    const expected = [
      /^dropped "d=cifar": unknown data set/,
      /^dropped "m=resnet": unknown model/,
      /^dropped "lr=-3": .*>0/,
      /^dropped "e=abc": "abc" is not a number/,
      /^dropped "foo=bar": unknown field/,
      /^dropped "wd=0x10": "0x10" is not a number/,
      /^dropped training images "5" of "n=5,300": .*>=10/,
      /^dropped poison "lsp:-1" of "p=.*": bad budget/,
      /^dropped poison "nope" of "p=.*": unknown poison method/,
      /^dropped poison "ops:1.5" of "p=.*": bad budget: an L0 budget/,
      /^dropped "def=jpeg:0": quality/,
      /^dropped "v=sideways": unknown landscape view/,
      /^dropped "be=tpu": unknown backend/,
      /^dropped SAL step size lr "zz" of "sal=on,0.05,zz"/,
      /^dropped "log=2": must be 0 or 1/,
      /^dropped "e=3": repeated field/,
    ];
    expect(notices).toHaveLength(expected.length);
    for (const re of expected)
      expect(
        notices.some((n) => re.test(n)),
        String(re),
      ).toBe(true);
  });

  it('never throws on garbage', () => {
    for (const h of [
      '#%E0%A4%A',
      '#&&&',
      '#=',
      '#lr',
      '#lesson=../../x',
      '#step=2',
      '#n=1,2,3,4',
      '#def=adv:1:2:3:4',
    ]) {
      const r = decodeShareState(h);
      expect(Array.isArray(r.notices)).toBe(true);
    }
    expect(decodeShareState('#%E0%A4%A').notices[0]).toMatch(/malformed/);
    expect(decodeShareState('#step=2').notices[0]).toMatch(/"step=2": a step needs a lesson/);
    expect(decodeShareState('').notices).toEqual([]);
  });
});

describe('share state and the store', () => {
  it('applies a decoded link to a store and reads the same hash back', () => {
    const a = createAppStore();
    const st = everyField();
    applyShareState(a, decodeShareState(encodeShareState(st)).state);
    expect(shareState(a)).toEqual(st);
    const b = createAppStore();
    applyShareState(b, decodeShareState(shareHash(a)).state);
    expect(shareHash(b)).toBe(shareHash(a));
  });

  it('a partial link changes only its fields', () => {
    const store = createAppStore();
    const before = shareState(store);
    applyShareState(store, decodeShareState('#lr=0.2&foo=1').state);
    expect(shareState(store)).toEqual({ ...before, config: { ...before.config, lr: 0.2 } });
  });

  it('syncHash writes the hash after settings change, debounced, only when it differs', async () => {
    const store = createAppStore();
    const seen: string[] = [];
    const stop = syncHash(store, (h) => seen.push(h), 10);
    store.getState().setConfig({ epochs: 2 });
    store.getState().setConfig({ epochs: 3 });
    await new Promise((r) => setTimeout(r, 40));
    expect(seen).toHaveLength(1);
    expect(decodeShareState(seen[0] ?? '').state.config?.epochs).toBe(3);
    store.getState().setConfig({ epochs: 3 });
    await new Promise((r) => setTimeout(r, 40));
    expect(seen).toHaveLength(1);
    stop();
  });
});
