import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, ensureData, inProcess } from './helpers/cli';

let tmp: string;
beforeAll(async () => {
  await ensureData();
  tmp = await mkdtemp(path.join(tmpdir(), 'salscape-cli-task-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const tiny = ['--train-size', '200', '--test-size', '100', '--epochs', '1', '--json'];

function summaryOf(stdout: string): Record<string, unknown> {
  const lines = stdout.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe('salscape train --task', () => {
  it('multi reports each head\u2019s clean test metric under its own key and writes task-run.json', async () => {
    const out = path.join(tmp, 'multi');
    const r = await cli([
      'train',
      '--task',
      'multi',
      ...tiny,
      '--sal',
      '--sal-rounds',
      '1',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    const s = summaryOf(r.stdout);
    expect(s.task).toBe('multi');
    for (const key of ['digitsTestAcc', 'rotationTestAcc', 'segmentationTestIoU']) {
      expect(typeof s[key]).toBe('number');
      expect(s[key]).toBeGreaterThanOrEqual(0);
      expect(s[key]).toBeLessThanOrEqual(1);
    }
    expect(s.lr).toBe(0.01); // the multi-task default cap
    expect(s).not.toHaveProperty('testAcc');
    const sal = s.sal as { layers: string[]; last: Record<string, number[]> };
    expect(sal.layers).toEqual(['conv1', 'conv2']);
    expect(Object.keys(sal.last).sort()).toEqual(['digits', 'rotation', 'segmentation']);
    const rec = JSON.parse(await readFile(path.join(out, 'task-run.json'), 'utf8'));
    expect(rec).toMatchObject({ task: 'multi', heads: ['digits', 'rotation', 'segmentation'] });
    expect(rec.metrics[0].testScore.rotation).toBe(s.rotationTestAcc);
    expect(rec.metrics[0].testScore.segmentation).toBe(s.segmentationTestIoU);
  }, 120_000);

  it('rotation reports rotationTestAcc only, at the --lr given', async () => {
    const out = path.join(tmp, 'rot');
    const r = await cli(['train', '--task', 'rotation', ...tiny, '--lr', '0.03', '--out', out]);
    expect(r.code).toBe(0);
    const s = summaryOf(r.stdout);
    expect(Object.keys(s).filter((k) => k.endsWith('TestAcc') || k.endsWith('TestIoU'))).toEqual([
      'rotationTestAcc',
    ]);
    expect(s.lr).toBe(0.03);
  }, 120_000);

  it('an explicit --task digits adds digitsTestAcc (= testAcc) to the usual summary', async () => {
    const out = path.join(tmp, 'digits');
    const r = await cli(['train', '--task', 'digits', ...tiny, '--out', out]);
    expect(r.code).toBe(0);
    const s = summaryOf(r.stdout);
    expect(s.digitsTestAcc).toBe(s.testAcc);
    expect(typeof s.testLoss).toBe('number');
    expect(JSON.parse(await readFile(path.join(out, 'run.json'), 'utf8')).config.model).toBe(
      'cnn-s',
    );
  }, 120_000);

  it('rejects an unknown task and defences outside digits, naming the flag (exit 2)', async () => {
    const bad = await inProcess(['train', '--task', 'depth', '--out', path.join(tmp, 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /--task must be one of digits, rotation, segmentation, multi \(got "depth"\)/,
    );
    const def = await inProcess([
      'train',
      '--task',
      'segmentation',
      '--defence',
      'jpeg',
      '--out',
      path.join(tmp, 'y'),
    ]);
    expect(def.code).toBe(2);
    expect(def.stderr).toMatch(/--defence works with --task digits only/);
  });
});
