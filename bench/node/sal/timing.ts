/**
 * bench:sal, step 3: what SAL costs. Seconds for SAL of all weight layers after one epoch (one
 * call of salAllLayers on a model trained for 2 epochs) with the app's default settings, the
 * issue-5 PyTorch reference and the paper's, for cnn-s and vgg-s.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describeSal } from '../../../src/cli/sal-flags';
import type { ImageSet } from '../../../src/core/dataset';
import {
  APP_SAL_DEFAULTS,
  PAPER_SAL_SETTINGS,
  type SalSettings,
} from '../../../src/core/sal-types';
import { toTensors } from '../../../src/ml/data/tensors';
import { firstImages } from '../../../src/ml/experiment/run-experiment';
import { salAllLayers } from '../../../src/ml/sal/sal';
import { runTraining, selectRunData } from '../../../src/ml/train/run-training';
import { log } from '../results-file';
import type { SalPlan } from './plan';
import type { SalResults } from './runs';

/** Replaces `results.timing` with this run's measurements and saves. */
export async function measureTiming(
  plan: SalPlan,
  train: ImageSet,
  test: ImageSet,
  results: SalResults,
): Promise<void> {
  const { base, quick, repeat } = plan;
  const timing = results.timing;
  timing.length = 0;
  const paperImages = quick ? 512 : base.trainSize;
  const cases: [string, SalSettings][] = [
    ['app default', { ...APP_SAL_DEFAULTS }],
    [
      'issue-5 PyTorch reference',
      { ...APP_SAL_DEFAULTS, subsetSize: 512, batchSize: 256, rounds: 3 },
    ],
    [
      quick ? `paper, ${paperImages} images` : 'paper (whole training set)',
      { ...PAPER_SAL_SETTINGS, subsetSize: paperImages },
    ],
  ];
  for (const model of ['cnn-s', 'vgg-s'] as const) {
    const config = { ...base, model, seed: 1, epochs: 2 };
    const data = selectRunData(config, train, test);
    const s0 = performance.now();
    const run = await runTraining(config, data);
    const trainS = (performance.now() - s0) / 1000 / config.epochs;
    const weights = run.checkpoints[run.checkpoints.length - 1]!;
    for (const [label, s] of cases) {
      const xy = toTensors(firstImages(data.train, s.subsetSize));
      try {
        const used = { ...s, subsetSize: Math.min(s.subsetSize, data.train.count) };
        let seconds = Infinity;
        let r = null;
        for (let i = 0; i < repeat; i++) {
          const q0 = performance.now();
          r = await salAllLayers(run.spec, weights, xy, used);
          seconds = Math.min(seconds, (performance.now() - q0) / 1000);
        }
        if (!r) throw new Error('no SAL measured');
        timing.push({
          model,
          label,
          settings: used,
          seconds,
          trainSecondsPerEpoch: trainS,
          sal: r.layers.map((l) => l.sal),
        });
        log(`timing ${model} ${label}: ${seconds.toFixed(2)} s (${describeSal(used)})`);
      } finally {
        tf.dispose([xy.x, xy.y]);
      }
    }
  }
  results.save();
}
