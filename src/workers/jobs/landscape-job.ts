/**
 * A landscape job of the worker: picks the run's weights (and, for a measure on its training
 * set, rebuilds an adopted run's set) and the chosen images, then computes a surface, a 1-D
 * interpolation or the training-path plane, posting sharpening results.
 */
import type { ImageSet } from '../../core/dataset';
import { directionPair } from '../../core/directions';
import type { LandscapeSettings } from '../../core/landscape-types';
import { gridAxis } from '../../core/surface-grid';
import type { TrainConfig } from '../../core/train-config';
import type { WeightSnapshot } from '../../core/weights';
import { toTensors } from '../../ml/data/tensors';
import { firstImages } from '../../ml/experiment/run-experiment';
import { interpolate } from '../../ml/landscape/interpolate';
import { computePathSurface } from '../../ml/landscape/path';
import { computeSurface } from '../../ml/landscape/surface';
import type { ModelSpec } from '../../core/model-spec';
import { selectRunData } from '../../ml/train/run-training';
import type { FromWorker, LandscapeCommand } from '../protocol';
import { trainSetOf } from './adopted-run';
import { loadSplits, type JobContext } from './job-context';

/** What a landscape job needs of a finished run. */
export interface LandscapeSource {
  spec: ModelSpec;
  config: TrainConfig;
  checkpoints: WeightSnapshot[];
  /** The set the run trained on (poisoned, after its defence). */
  trainSet: ImageSet;
}

/**
 * Alphas of a 1-D interpolation: a little beyond both ends, as in the usual plots. The count is
 * 6k + 1 so that alpha 0 and 1 (the two models themselves) are points of the curve.
 */
export function interpolationAlphas(points: number): Float32Array {
  const n = 6 * Math.ceil((Math.max(13, points) - 1) / 6) + 1;
  return Float32Array.from({ length: n }, (_, i) => -0.25 + (1.5 * i) / (n - 1));
}

/** The images a landscape is measured on. */
export function landscapeImages(
  settings: LandscapeSettings,
  run: LandscapeSource,
  clean: { train: ImageSet; test: ImageSet },
): ImageSet {
  const set =
    settings.data === 'test' ? clean.test : settings.data === 'train' ? run.trainSet : clean.train;
  return firstImages(set, settings.limit);
}

const finalOf = (r: LandscapeSource): WeightSnapshot => r.checkpoints[r.checkpoints.length - 1]!;

/** Runs one landscape job on runs kept by the session; throws CancelledError when stopped. */
export async function runLandscapeJob(
  msg: LandscapeCommand,
  ctx: JobContext,
  shouldStop: () => boolean,
): Promise<void> {
  const source = ctx.runs.require(msg.sourceRunId, 'to draw its landscape');
  const target = msg.targetRunId ? ctx.runs.require(msg.targetRunId, 'to interpolate to it') : null;
  const [train, test] = await loadSplits(ctx, source.config.dataset, msg.runId);
  const trainSet =
    msg.settings.data === 'train'
      ? await trainSetOf(source, msg.runId, ctx, shouldStop)
      : (source.trainSet ?? train);
  const images = landscapeImages(
    msg.settings,
    { ...source, trainSet },
    selectRunData(source.config, train, test),
  );
  await computeLandscape(
    msg,
    { ...source, trainSet },
    target && { ...target, trainSet },
    images,
    ctx.post,
    shouldStop,
  );
}

/** Computes one landscape of `source` (to `target`) on `images`, posting as it sharpens. */
async function computeLandscape(
  msg: LandscapeCommand,
  source: LandscapeSource,
  target: LandscapeSource | null,
  images: ImageSet,
  post: (m: FromWorker) => void,
  shouldStop: () => boolean,
): Promise<void> {
  const { runId, settings } = msg;
  const data = toTensors(images);
  const status = (detail: string, fraction: number) =>
    post({ type: 'status', runId, stage: 'landscape', detail, fraction });
  const what = `${images.count} images`;
  try {
    const centreW = finalOf(source);
    const centrePoint = await interpolate(source.spec, centreW, centreW, data, Float32Array.of(0), {
      shouldStop,
    });
    const centre = { loss: centrePoint.loss[0]!, acc: centrePoint.acc[0]! };
    switch (msg.kind) {
      case 'surface': {
        const axis = gridAxis(settings.grid, settings.range);
        const dirs = directionPair(centreW, settings.seed, {
          includeBiases: settings.includeBiases,
        });
        const surface = await computeSurface(
          source.spec,
          centreW,
          dirs,
          data,
          { xs: axis, ys: axis.slice() },
          {
            shouldStop,
            onPartial: (s, done, total) => {
              status(`surface ${settings.grid} x ${settings.grid} on ${what}`, done / total);
              post({
                type: 'landscape',
                runId,
                // computeSurface hands over a copy, safe to transfer.
                result: { kind: 'surface', surface: s },
                fraction: done / total,
                centre,
              });
            },
          },
        );
        post({
          type: 'landscape',
          runId,
          result: { kind: 'surface', surface },
          fraction: 1,
          centre,
        });
        return;
      }
      case 'interpolation': {
        const from = target ? centreW : source.checkpoints[0]!;
        const to = target ? finalOf(target) : centreW;
        const alphas = interpolationAlphas(settings.grid);
        const curve = await interpolate(source.spec, from, to, data, alphas, {
          shouldStop,
          onProgress: (done, total) =>
            status(`interpolation, ${alphas.length} points on ${what}`, done / total),
        });
        post({
          type: 'landscape',
          runId,
          result: { kind: 'interpolation', curve },
          fraction: 1,
          centre,
        });
        return;
      }
      case 'path': {
        const { plane, surface } = await computePathSurface(
          source.spec,
          source.checkpoints,
          data,
          settings.grid,
          {
            shouldStop,
            onPartial: (_s, done, total) =>
              status(
                `training-path plane, ${settings.grid} x ${settings.grid} on ${what}`,
                done / total,
              ),
          },
        );
        post({
          type: 'landscape',
          runId,
          result: { kind: 'path', surface, plane },
          fraction: 1,
          centre,
        });
        return;
      }
      default: {
        const never: never = msg.kind;
        throw new Error(`unknown landscape kind ${String(never)}`);
      }
    }
  } finally {
    data.x.dispose();
    data.y.dispose();
  }
}
