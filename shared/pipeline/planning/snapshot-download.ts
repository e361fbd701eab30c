import type { Readable } from 'node:stream';
import type { SegmentSnapshot } from '../../segments/segment-catalog';
import { readSnapshotRows } from '../../snapshot/snapshot-rows';
import type { SnapshotRow } from '../../snapshot/snapshot-row';
import type { PipelineDeps } from '../pipeline-deps';
import { rewritten } from './run-failure';

/**
 * The rows of the snapshot version the run planned: the download is conditional on its ETag, so
 * a snapshot the platform rewrote since fails the run (SnapshotChanged) instead of mixing two.
 */
export async function snapshotRows(
  deps: Pick<PipelineDeps, 'segmentBlobs' | 'snapshotLimits'>,
  snapshot: SegmentSnapshot,
): Promise<AsyncGenerator<SnapshotRow[]>> {
  const download = await deps.segmentBlobs
    .getBlobClient(snapshot.blobName)
    .download(0, undefined, { conditions: { ifMatch: snapshot.etag } })
    .catch((error: unknown) => {
      throw rewritten(error, snapshot.name);
    });
  return readSnapshotRows(
    download.readableStreamBody as Readable,
    snapshot.format,
    snapshot.compressed,
    deps.snapshotLimits,
  );
}
