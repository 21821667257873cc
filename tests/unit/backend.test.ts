import { describe, expect, it } from 'vitest';
import { candidatesFor, selectBackend, type EnvProbe } from '../../src/ml/engine/backend';
import { fastest } from '../../src/ml/engine/calibrate';
import type { CalibrationFigure } from '../../src/core/run-types';
import '../../src/ml/engine/tf-setup';

const probe = (over: Partial<EnvProbe> = {}): EnvProbe => ({
  webgpu: { available: false, software: false, detail: 'no WebGPU adapter' },
  webgl: { available: false, software: false, detail: 'no WebGL2 context' },
  wasm: true,
  ...over,
});

describe('backend candidates', () => {
  it('never measures a software WebGPU adapter or software WebGL; says why', () => {
    const { candidates, notes } = candidatesFor(
      probe({
        webgpu: { available: true, software: true, detail: 'fallback (software) adapter' },
        webgl: { available: true, software: true, detail: 'ANGLE (SwiftShader)' },
      }),
    );
    expect(candidates).toEqual(['wasm']);
    expect(notes.find((n) => n.backend === 'webgpu')?.why).toMatch(/software.*slower than WASM/);
    expect(notes.find((n) => n.backend === 'webgl')?.why).toMatch(/SwiftShader/);
    expect(notes.find((n) => n.backend === 'cpu')?.why).toMatch(/10x/);
  });

  it('measures hardware GPUs against WASM, and falls back to CPU only without WASM', () => {
    const hw = probe({
      webgpu: { available: true, software: false, detail: 'nvidia' },
      webgl: { available: true, software: false, detail: 'NVIDIA GeForce' },
    });
    expect(candidatesFor(hw).candidates).toEqual(['webgpu', 'webgl', 'wasm']);
    expect(candidatesFor(probe({ wasm: false })).candidates).toEqual(['cpu']);
  });

  it('picks the fastest figure per purpose, ignoring backends that did not finish', () => {
    const f = (
      backend: CalibrationFigure['backend'],
      t: number | null,
      e: number | null,
    ): CalibrationFigure => ({
      backend,
      trainMsPerStep: t,
      evalMsPerBatch: e,
      note: '',
    });
    const figs = [f('webgpu', null, null), f('webgl', 9, 2), f('wasm', 6, 5)];
    expect(fastest(figs, 'trainMsPerStep')).toBe('wasm');
    expect(fastest(figs, 'evalMsPerBatch')).toBe('webgl');
    expect(fastest([f('webgl', null, null)], 'trainMsPerStep')).toBeNull();
  });
});

describe('selectBackend (Node)', () => {
  it('auto: a GPU that cannot start is reported as failed, WASM is chosen and measured', async () => {
    const r = await selectBackend(
      'auto',
      probe({ webgl: { available: true, software: false, detail: 'claimed GPU' } }),
    );
    expect(r.chosen).toBe('wasm');
    expect(r.notes.find((n) => n.backend === 'webgl')?.status).toMatch(/failed/);
    expect(r.calibration?.figures.map((x) => x.backend)).toEqual(['wasm']);
    expect(r.calibration?.figures[0]?.trainMsPerStep).toBeGreaterThan(0);
    expect(r.notes.map((n) => n.backend)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
  });

  it('a fixed choice is honoured and the others say why they were not used', async () => {
    const r = await selectBackend('cpu', probe());
    expect(r.chosen).toBe('cpu');
    expect(r.notes[0]).toMatchObject({ backend: 'cpu', status: 'chosen' });
    expect(r.notes.slice(1).every((n) => /chosen in settings/.test(n.why))).toBe(true);
    await selectBackend('wasm', probe());
  });

  it('reports the injected calibration figures for the chosen backend', async () => {
    const fake = async (b: CalibrationFigure['backend']): Promise<CalibrationFigure> => ({
      backend: b,
      trainMsPerStep: b === 'cpu' ? 1 : 50,
      evalMsPerBatch: b === 'cpu' ? 100 : 5,
      note: 'fake',
    });
    // Only cpu can start here, so this checks that the injected measurement is what is reported.
    const r = await selectBackend('auto', probe({ wasm: false }), fake);
    expect(r.chosen).toBe('cpu');
    expect(r.calibration?.train).toBe('cpu');
    await selectBackend('wasm', probe());
  });
});
