import { z } from 'zod';
import { statusCodeOf } from '../../clients/azure-errors';
import { versionedFormat } from '../../schema-version';
import { SegmentSchema, type SegmentSnapshot } from '../../segments/segment-catalog';
import { planSnapshotsBlobName } from '../../work-blobs';
import type { PipelineDeps } from '../pipeline-deps';
import { rewritten } from './run-failure';

/** A segment's snapshot as the run reads it: a blob snapshot (`version`) of the version planned. */
export type PinnedSnapshot = SegmentSnapshot & { version: string };

const PinnedSchema = z.object({
  segments: z.array(
    SegmentSchema.extend({ blobName: z.string(), etag: z.string(), version: z.string() }),
  ),
});

const pinnedFormat = versionedFormat({
  name: 'pinned snapshot versions (plan/snapshots.json)',
  schema: PinnedSchema,
});

type Deps = Pick<PipelineDeps, 'work' | 'segmentBlobs'>;

/** The versions a planner of this run pinned before, if any did. */
export async function pinnedSnapshots(
  deps: Deps,
  tenantId: string,
  runId: string,
): Promise<PinnedSnapshot[] | undefined> {
  try {
    const body = await deps.work
      .getBlobClient(planSnapshotsBlobName(tenantId, runId))
      .downloadToBuffer();
    return pinnedFormat.parse(JSON.parse(body.toString('utf8'))).segments;
  } catch (error) {
    if (statusCodeOf(error) === 404) return undefined;
    throw error;
  }
}

/**
 * Takes a blob snapshot of each segment at the version planned (a snapshot rewritten since fails
 * the run: SnapshotChanged) and records them for the run, so every planner of the run, and every
 * read of a long plan, sees the same rows. A planner that records second uses the first's.
 */
export async function pinSnapshotVersions(
  deps: Deps,
  tenantId: string,
  runId: string,
  snapshots: SegmentSnapshot[],
): Promise<PinnedSnapshot[]> {
  const pinned = await Promise.all(
    snapshots.map(async (snapshot): Promise<PinnedSnapshot> => {
      const taken = await deps.segmentBlobs
        .getBlobClient(snapshot.blobName)
        .createSnapshot({ conditions: { ifMatch: snapshot.etag } })
        .catch((error: unknown) => {
          throw rewritten(error, snapshot.name);
        });
      return { ...snapshot, version: taken.snapshot! };
    }),
  );
  const body = pinnedFormat.serialize({ segments: pinned });
  try {
    await deps.work
      .getBlockBlobClient(planSnapshotsBlobName(tenantId, runId))
      .upload(body, Buffer.byteLength(body), { conditions: { ifNoneMatch: '*' } });
    return pinned;
  } catch (error) {
    const status = statusCodeOf(error);
    if (status !== 409 && status !== 412) throw error;
    await releaseSnapshotVersions(deps, pinned);
    return (await pinnedSnapshots(deps, tenantId, runId))!;
  }
}

/** Deletes the blob snapshots once the run has read them (a missing one is already gone). */
export async function releaseSnapshotVersions(deps: Deps, pinned: PinnedSnapshot[]): Promise<void> {
  await Promise.all(
    pinned.map((snapshot) =>
      deps.segmentBlobs
        .getBlobClient(snapshot.blobName)
        .withSnapshot(snapshot.version)
        .deleteIfExists(),
    ),
  );
}
