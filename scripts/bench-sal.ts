/**
 * Seconds for SAL of all weight layers of a trained model, on the WASM backend (the CPU path):
 * trains cnn-s and vgg-s on 2,000 MNIST images for 2 epochs, then times salAllLayers with the
 * app defaults, with the setting of the PyTorch reference numbers in issue 5 (512 images, batch
 * 256, 3 rounds) and with the paper's settings on 512 of the training images; prints a table.
 *
 *   npx tsx scripts/bench-sal.ts [--models cnn-s,vgg-s] [--repeat 1]
 *
 * The goal: SAL with the app defaults under 5 s per epoch of a default run.
 */
import '../src/ml/engine/tf-setup';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackendNode } from '../src/ml/engine/backend';
import { loadDatasetNode } from '../src/ml/data/load-node';
import { toTensors } from '../src/ml/data/tensors';
import { defaultTrainConfig, type ModelName } from '../src/core/train-config';
import { runTraining, selectRunData } from '../src/ml/train/run-training';
import { salAllLayers } from '../src/ml/sal/sal';
import { APP_SAL_DEFAULTS, PAPER_SAL_SETTINGS, type SalSettings } from '../src/core/sal-types';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

const models = arg('models', 'cnn-s,vgg-s').split(',') as ModelName[];
const repeat = Number(arg('repeat', '1'));
const settingsList: [string, SalSettings][] = [
  ['app default', { ...APP_SAL_DEFAULTS }],
  ['issue-5 reference', { ...APP_SAL_DEFAULTS, subsetSize: 512, batchSize: 256 }],
  ['paper (512 images)', { ...PAPER_SAL_SETTINGS, subsetSize: 512 }],
];

const describe = (s: SalSettings) =>
  `eps ${s.eps}, lr ${s.lr}, K ${s.rounds}, batch ${s.batchSize}, ${s.subsetSize} images`;

async function main() {
  const report = await selectBackendNode('wasm');
  if (report.chosen !== 'wasm') throw new Error(`wanted wasm, got ${report.chosen}`);
  const [train, test] = await Promise.all([
    loadDatasetNode('mnist', 'train'),
    loadDatasetNode('mnist', 'test'),
  ]);
  const rows: string[][] = [];
  for (const model of models) {
    const config = { ...defaultTrainConfig(), model, trainSize: 2000, testSize: 500, epochs: 2 };
    const data = selectRunData(config, train, test);
    const t0 = performance.now();
    const run = await runTraining(config, data);
    const trainS = (performance.now() - t0) / 1000;
    const acc = run.metrics.at(-1)?.testAcc ?? NaN;
    console.log(`${model}: trained 2 epochs in ${trainS.toFixed(1)} s, test acc ${acc.toFixed(3)}`);
    const weights = run.checkpoints.at(-1)!;
    const xy = toTensors(data.train);
    try {
      for (const [label, s] of settingsList) {
        let best = Infinity;
        let sal: number[] = [];
        for (let i = 0; i < repeat; i++) {
          const t = performance.now();
          const r = await salAllLayers(run.spec, weights, xy, s);
          best = Math.min(best, (performance.now() - t) / 1000);
          sal = r.layers.map((l) => l.sal);
        }
        rows.push([
          model,
          label,
          describe(s),
          best.toFixed(2),
          (trainS / 2).toFixed(2),
          sal.map((v) => v.toFixed(3)).join(' '),
        ]);
        console.log(`  ${label}: ${best.toFixed(2)} s`);
      }
    } finally {
      tf.dispose([xy.x, xy.y]);
    }
  }
  const head = ['model', 'settings', 'values', 'SAL s/epoch', 'train s/epoch', 'SAL per layer'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    `\nSAL of all layers, WASM backend, Node ${process.version}, ${os.cpus().length} cores, ` +
      `load average ${load} (other processes inflate the times; best of ${repeat}):`,
  );
  console.log(line(head));
  console.log('| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |');
  rows.forEach((r) => console.log(line(r)));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
