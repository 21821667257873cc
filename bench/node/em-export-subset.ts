/**
 * Writes the training and test subsets the app selects (TRAIN_DEFAULTS, a seed) as IDX files,
 * so the PyTorch yardstick (bench/node/torch_em.py) trains on exactly the app's images.
 *
 *   npx tsx bench/node/em-export-subset.ts OUT_DIR [dataset=mnist] [seed=1]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeIdxImages, writeIdxLabels } from '../../src/core/idx';
import { TRAIN_DEFAULTS, type TrainConfig } from '../../src/core/train-config';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { selectRunData } from '../../src/ml/train/run-training';

async function main(): Promise<void> {
  const [out, dataset = 'mnist', seedArg = '1'] = process.argv.slice(2);
  if (!out) throw new Error('usage: em-export-subset.ts OUT_DIR [dataset] [seed]');
  const id = dataset as TrainConfig['dataset'];
  const [train, test] = await Promise.all([
    loadDatasetNode(id, 'train'),
    loadDatasetNode(id, 'test'),
  ]);
  const config: TrainConfig = { ...TRAIN_DEFAULTS, dataset: id, seed: Number(seedArg) };
  const data = selectRunData(config, train, test);
  await mkdir(out, { recursive: true });
  for (const [name, set] of [
    ['train', data.train],
    ['test', data.test],
  ] as const) {
    await writeFile(
      path.join(out, `${name}-images-idx3-ubyte`),
      writeIdxImages(set.images, set.count, set.height, set.width),
    );
    await writeFile(path.join(out, `${name}-labels-idx1-ubyte`), writeIdxLabels(set.labels));
    console.log(`${name}: ${set.count} images`);
  }
}

void main();
