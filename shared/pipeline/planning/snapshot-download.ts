import type { Readable } from 'node:stream';
import { readSnapshotRows } from '../../snapshot/snapshot-rows';
import type { SnapshotRow } from '../../snapshot/snapshot-row';
import type { PipelineDeps } from '../pipeline-deps';
import { rewritten } from './run-failure';
import type { PlannedSnapshot } from './snapshot-copy';

/**
 * The rows of the snapshot version the run planned: the run's copy of it when one was taken, else
 * the platform's blob on the condition of its ETag, so a snapshot the platform rewrote since fails
 * the run (SnapshotChanged) instead of mixing two.
 */
export async function snapshotRows(
  deps: Pick<PipelineDeps, 'segmentBlobs' | 'work' | 'snapshotLimits'>,
  snapshot: PlannedSnapshot,
): Promise<AsyncGenerator<SnapshotRow[]>> {
  const download = await (
    snapshot.copy
      ? deps.work.getBlobClient(snapshot.copy).download()
      : deps.segmentBlobs
          .getBlobClient(snapshot.blobName)
          .download(0, undefined, { conditions: { ifMatch: snapshot.etag } })
  ).catch((error: unknown) => {
    throw rewritten(error, snapshot.name);
  });
  return readSnapshotRows(
    download.readableStreamBody as Readable,
    snapshot.format,
    snapshot.compressed,
    deps.snapshotLimits,
  );
}
