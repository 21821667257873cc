/**
 * What a job of the lab worker is given by its session: the way to post messages, the data
 * sets (loaded once per session), the finished runs kept for later jobs, and the JPEG codec.
 */
import type { ImageSet } from '../../core/dataset';
import type { DatasetName } from '../../core/train-config';
import type { JpegCodec } from '../../ml/defences/jpeg';
import type { FromWorker } from '../protocol';
import type { RunRecords } from './run-records';

export interface JobContext {
  post: (msg: FromWorker) => void;
  /** One split of a data set, loaded once per session; loading progress is posted under `runId`. */
  data(id: DatasetName, split: 'train' | 'test', runId: string): Promise<ImageSet>;
  runs: RunRecords;
  /** The JPEG codec of the JPEG defence (the browser's in the worker). */
  jpeg?: JpegCodec;
}

/** Both splits of a data set, loaded side by side. */
export function loadSplits(
  ctx: JobContext,
  id: DatasetName,
  runId: string,
): Promise<[ImageSet, ImageSet]> {
  return Promise.all([ctx.data(id, 'train', runId), ctx.data(id, 'test', runId)]);
}
