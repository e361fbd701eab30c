import { z } from 'zod';
import { statusCodeOf } from '../../clients/azure-errors';
import { bodyBytes } from '../../clients/blob-body';
import { mapConcurrently } from '../../map-concurrently';
import { versionedFormat } from '../../schema-version';
import { SegmentSchema, type SegmentSnapshot } from '../../segments/segment-catalog';
import { planSnapshotCopyBlobNames } from '../../work-blobs';
import type { PipelineDeps } from '../pipeline-deps';
import { rewritten } from './run-failure';

/**
 * A snapshot the run reads: the platform's blob, or the run's own copy of the version it pinned
 * (`copy`, a blob in the work container) once a large segment was copied there.
 */
export interface PlannedSnapshot extends SegmentSnapshot {
  copy?: string;
}

/** The copy's description (`snapshot.json`): the segment as it was when its version was copied. */
const CopyDescriptionSchema = SegmentSchema.extend({
  blobName: z.string(),
  etag: z.string(),
  copy: z.string(),
});
const copyDescriptionFormat = versionedFormat({
  name: 'snapshot copy (plan/<segment>/snapshot.json)',
  schema: CopyDescriptionSchema,
});

/** Copied in blocks of this size, this many at once: 32 MB in memory whatever the snapshot. */
const blockBytes = 8 * 1024 * 1024;
const blocksAtOnce = 4;

/**
 * The run's copy of a segment's pinned snapshot, if one was taken (by an earlier attempt at the
 * run's first step) and it is still the segment in that place of the export.
 */
export async function copiedSnapshot(
  deps: Pick<PipelineDeps, 'work'>,
  ids: { tenantId: string; runId: string },
  index: number,
  name: string,
): Promise<PlannedSnapshot | undefined> {
  const { description } = planSnapshotCopyBlobNames(ids.tenantId, ids.runId, index);
  try {
    const body = await bodyBytes(await deps.work.getBlobClient(description).download());
    const copied = copyDescriptionFormat.parse(JSON.parse(body.toString('utf8')));
    return copied.name === name ? copied : undefined;
  } catch (error) {
    if (statusCodeOf(error) === 404) return undefined;
    throw error;
  }
}

/**
 * Copies the pinned version of a large segment's snapshot into the run's plan folder before it is
 * read, so that a planner that starts the run's first step again (after a crash or a timeout)
 * reads the same rows even if the platform rewrote the snapshot meanwhile. Every range is
 * downloaded on the pinned ETag: a rewrite during the copy itself fails the run
 * (SnapshotChanged), as a rewrite during a read did. The description is written last, so a copy
 * that did not finish is taken again.
 */
export async function copySnapshot(
  deps: Pick<PipelineDeps, 'work' | 'segmentBlobs' | 'log'>,
  ids: { tenantId: string; runId: string },
  index: number,
  snapshot: SegmentSnapshot,
): Promise<PlannedSnapshot> {
  const names = planSnapshotCopyBlobNames(ids.tenantId, ids.runId, index);
  const source = deps.segmentBlobs.getBlobClient(snapshot.blobName);
  const target = deps.work.getBlockBlobClient(names.data);
  const started = performance.now();
  const blocks = Array.from({ length: Math.ceil(snapshot.sizeBytes / blockBytes) }, (_, n) => n);
  const blockIds = blocks.map((n) =>
    Buffer.from(`copy-${String(n).padStart(6, '0')}`).toString('base64'),
  );
  await mapConcurrently(blocks, blocksAtOnce, async (n) => {
    const offset = n * blockBytes;
    const count = Math.min(blockBytes, snapshot.sizeBytes - offset);
    const download = await source
      .download(offset, count, { conditions: { ifMatch: snapshot.etag } })
      .catch((error: unknown) => {
        throw rewritten(error, snapshot.name);
      });
    const body = await bodyBytes(download);
    await target.stageBlock(blockIds[n]!, body, body.length);
  });
  await target.commitBlockList(blockIds);
  const copied: PlannedSnapshot = { ...snapshot, copy: names.data };
  const body = copyDescriptionFormat.serialize(CopyDescriptionSchema.parse(copied));
  await deps.work.getBlockBlobClient(names.description).upload(body, Buffer.byteLength(body), {
    blobHTTPHeaders: { blobContentType: 'application/json' },
  });
  deps.log.info('Snapshot copied for the plan', {
    segment: snapshot.name,
    bytes: snapshot.sizeBytes,
    ms: Math.round(performance.now() - started),
  });
  return copied;
}

/**
 * The snapshots the plan reads: each large segment (`large`, by place) from a copy of its pinned
 * version, taken first unless an earlier planner took it, one at a time so memory stays bounded.
 */
export async function copyLargeSnapshots(
  deps: Pick<PipelineDeps, 'work' | 'segmentBlobs' | 'log'>,
  ids: { tenantId: string; runId: string },
  snapshots: PlannedSnapshot[],
  large: boolean[],
): Promise<PlannedSnapshot[]> {
  const planned: PlannedSnapshot[] = [];
  for (const [index, snapshot] of snapshots.entries()) {
    planned.push(
      snapshot.copy || !large[index] ? snapshot : await copySnapshot(deps, ids, index, snapshot),
    );
  }
  return planned;
}

/**
 * Once every snapshot was read (the first step is saved, or the plan settled), the copies go:
 * they hold every member's e-mail. One left behind goes with the run's other blobs.
 */
export async function removeSnapshotCopies(
  deps: Pick<PipelineDeps, 'work' | 'log'>,
  ids: { tenantId: string; runId: string },
  snapshots: PlannedSnapshot[],
): Promise<void> {
  await Promise.all(
    snapshots.map(async (snapshot, index) => {
      if (!snapshot.copy) return;
      const names = planSnapshotCopyBlobNames(ids.tenantId, ids.runId, index);
      await deps.work.getBlobClient(names.description).deleteIfExists();
      await deps.work.getBlobClient(names.data).deleteIfExists();
    }),
  ).catch((error: unknown) =>
    deps.log.warn('Snapshot copies left for retention', { reason: String(error) }),
  );
}
