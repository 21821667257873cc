/**
 * Quick measurement behind the default poison budgets: every method at its default budget
 * (and any extra budgets asked for) on a seeded MNIST / Fashion-MNIST training subset; trains
 * each model on the poisoned set and prints clean test accuracy next to the clean baseline.
 *
 *   npx tsx scripts/bench-poisons-quick.ts
 *   npx tsx scripts/bench-poisons-quick.ts --methods em,em-class --eps em=0.1/0.3 --models vgg-s
 *   npx tsx scripts/bench-poisons-quick.ts --dataset fashion --extra-linf 0.0314
 *
 * Flags: --dataset mnist|fashion, --methods a,b (default all), --models a,b (cnn-s,vgg-s),
 * --eps m=v1/v2,... (budgets per method, replacing its default), --extra-linf v (an extra
 * budget for every L-inf method), --train N (2000), --test N (1000), --epochs N (6),
 * --seed S (1), --json FILE (also write the rows as JSON).
 * Training: SGD lr 0.05, momentum 0.9, batch 32, weight decay 5e-4 (the project defaults).
 * TAP and SEP attack the clean cnn-s run of the same subset (SEP: its epoch checkpoints).
 */
import '../src/ml/engine/tf-setup';
import { writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackendNode } from '../src/ml/engine/backend';
import { loadDatasetNode } from '../src/ml/data/load-node';
import { DATASET_IDS, type DatasetId } from '../src/core/dataset';
import { defaultTrainConfig, MODELS, type ModelName } from '../src/core/train-config';
import {
  POISON_METHOD_IDS,
  POISON_METHODS,
  isPoisonMethodId,
  type PoisonMethodId,
} from '../src/core/poison-types';
import { runTraining, selectRunData } from '../src/ml/train/run-training';
import { POISONS, type SurrogateModel } from '../src/ml/poisons/index';

interface Row {
  method: PoisonMethodId | 'clean';
  eps: number | null;
  norm: string;
  genSeconds: number;
  linfMax: number;
  l2Mean: number;
  stop: string;
  /** Final clean test accuracy per model. */
  acc: Partial<Record<ModelName, number>>;
  /** Final training accuracy on the (poisoned) training set: near 1 means the poison was
   * learned (a shortcut); near chance means training itself failed. */
  trainAcc: Partial<Record<ModelName, number>>;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function parseList<T extends string>(v: string | undefined, all: readonly T[], what: string): T[] {
  if (v === undefined) return [...all];
  return v.split(',').map((s) => {
    if (!(all as readonly string[]).includes(s)) throw new Error(`unknown ${what} "${s}"`);
    return s as T;
  });
}

function parseEps(v: string | undefined): Partial<Record<PoisonMethodId, number[]>> {
  const out: Partial<Record<PoisonMethodId, number[]>> = {};
  if (!v) return out;
  for (const part of v.split(',')) {
    const [m, list] = part.split('=');
    if (!m || !list || !isPoisonMethodId(m)) throw new Error(`bad --eps entry "${part}"`);
    out[m] = list.split('/').map(Number);
  }
  return out;
}

const fmt = (v: number | undefined, d = 3) => (v === undefined ? '-' : v.toFixed(d));

async function main(): Promise<void> {
  const dataset = (flag('dataset') ?? 'mnist') as DatasetId;
  if (!DATASET_IDS.includes(dataset)) throw new Error(`unknown data set ${dataset}`);
  const methods = parseList(flag('methods'), POISON_METHOD_IDS, 'method');
  const models = parseList(flag('models'), ['cnn-s', 'vgg-s'] as ModelName[], 'model').filter((m) =>
    MODELS.includes(m),
  );
  const epsOverride = parseEps(flag('eps'));
  const extraLinf = flag('extra-linf') ? Number(flag('extra-linf')) : null;
  const config = {
    ...defaultTrainConfig(),
    dataset,
    trainSize: Number(flag('train') ?? 2000),
    testSize: Number(flag('test') ?? 1000),
    epochs: Number(flag('epochs') ?? 6),
    batchSize: 32,
    lr: 0.05,
    momentum: 0.9,
    seed: Number(flag('seed') ?? 1),
  };
  await selectBackendNode('wasm');
  console.log(
    `backend ${tf.getBackend()}; ${dataset}: ${config.trainSize} train / ${config.testSize} test, ` +
      `${config.epochs} epochs, lr ${config.lr}, momentum ${config.momentum}, batch ${config.batchSize}`,
  );
  const [train, test] = await Promise.all([
    loadDatasetNode(dataset, 'train'),
    loadDatasetNode(dataset, 'test'),
  ]);
  const data = selectRunData(config, train, test);

  const rows: Row[] = [];
  const cleanRow: Row = {
    method: 'clean',
    eps: null,
    norm: '-',
    genSeconds: 0,
    linfMax: 0,
    l2Mean: 0,
    stop: '',
    acc: {},
    trainAcc: {},
  };
  let surrogate: SurrogateModel | undefined;
  // cnn-s is trained first so TAP / SEP have their clean model.
  const cleanModels: ModelName[] = ['cnn-s', ...models.filter((m) => m !== 'cnn-s')];
  for (const model of cleanModels) {
    const r = await runTraining({ ...config, model }, data);
    if (models.includes(model)) {
      cleanRow.acc[model] = r.metrics.at(-1)!.testAcc;
      cleanRow.trainAcc[model] = r.metrics.at(-1)!.trainAcc;
    }
    if (model === 'cnn-s') {
      surrogate = {
        spec: r.spec,
        weights: r.checkpoints.at(-1)!,
        checkpoints: r.checkpoints.slice(1),
      };
    }
    console.log(`clean ${model}: test acc ${fmt(r.metrics.at(-1)!.testAcc)}`);
  }
  rows.push(cleanRow);

  for (const method of methods) {
    const info = POISON_METHODS[method];
    const budgets = epsOverride[method] ?? [info.defaultEps[dataset]];
    if (extraLinf !== null && info.norm === 'linf' && !budgets.includes(extraLinf)) {
      budgets.push(extraLinf);
    }
    for (const eps of budgets) {
      let lastLog = 0;
      const res = await POISONS[method].generate(
        data.train,
        { method, eps, ratio: 1, seed: config.seed },
        {
          surrogate,
          onProgress: (f, detail) => {
            const t = Date.now();
            if (t - lastLog > 15000) {
              lastLog = t;
              console.log(`  ${method} eps ${eps}: ${(100 * f).toFixed(0)}% ${detail}`);
            }
          },
        },
      );
      const row: Row = {
        method,
        eps,
        norm: info.norm,
        genSeconds: res.seconds,
        linfMax: res.norms.linfMax,
        l2Mean: res.norms.l2Mean,
        stop: res.report.stopReason
          ? `${res.report.stopReason} r${res.report.rounds} L${fmt(res.report.finalLoss, 4)}`
          : '',
        acc: {},
        trainAcc: {},
      };
      for (const model of models) {
        const r = await runTraining({ ...config, model }, { train: res.poisoned, test: data.test });
        row.acc[model] = r.metrics.at(-1)!.testAcc;
        row.trainAcc[model] = r.metrics.at(-1)!.trainAcc;
      }
      rows.push(row);
      console.log(
        `${method} eps ${fmt(eps, 4)} (${info.norm}) gen ${res.seconds.toFixed(1)} s ` +
          `linf ${fmt(row.linfMax)} l2 ${fmt(row.l2Mean)} ${row.stop} | ` +
          models.map((m) => `${m} ${fmt(row.acc[m])} (train ${fmt(row.trainAcc[m])})`).join(' '),
      );
    }
  }

  console.log(
    `\n| poison | eps (norm) | measured L-inf / mean L2 | gen s | ${models.join(' | ')} |`,
  );
  console.log(`| --- | --- | --- | --- | ${models.map(() => '---').join(' | ')} |`);
  for (const r of rows) {
    const eps = r.eps === null ? '-' : `${fmt(r.eps, 4)} (${r.norm})`;
    const norms = r.method === 'clean' ? '-' : `${fmt(r.linfMax)} / ${fmt(r.l2Mean)}`;
    const stop = r.stop ? ` [${r.stop}]` : '';
    console.log(
      `| ${r.method}${stop} | ${eps} | ${norms} | ${r.genSeconds.toFixed(1)} | ` +
        `${models.map((m) => `${fmt(r.acc[m])} (${fmt(r.trainAcc[m], 2)})`).join(' | ')} |`,
    );
  }
  const out = flag('json');
  if (out) await writeFile(out, JSON.stringify({ dataset, config, rows }, null, 2));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
