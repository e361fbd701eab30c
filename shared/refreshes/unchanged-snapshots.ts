import type { ExportRecord } from '../exports/export-store';
import type { Run, SkipReason } from '../runs/run-schemas';
import type { RunStore } from '../runs/run-store';

/** Runs looked at for the last delivered one; past that, the export simply runs. */
const maxRunsLooked = 200;
const pageSize = 50;

/**
 * The export's last run that delivered its lists (succeeded or partly succeeded, not a dry run),
 * newest first through its history; skipped and failed runs in between are passed over.
 */
export async function lastDeliveredRun(
  store: RunStore,
  tenantId: string,
  exportId: string,
): Promise<Run | undefined> {
  let looked = 0;
  let continuationToken: string | undefined;
  do {
    const page = await store.page(tenantId, exportId, pageSize, continuationToken);
    const delivered = page.value.find(
      (run) => !run.dryRun && (run.status === 'succeeded' || run.status === 'partiallySucceeded'),
    );
    if (delivered) return delivered;
    looked += page.value.length;
    continuationToken = page.continuationToken;
  } while (continuationToken && looked < maxRunsLooked);
  return undefined;
}

/**
 * SnapshotsUnchanged when a refresh would send nothing new: every snapshot the export reads has
 * the version the last delivered run planned, that run left no member failed, and the export was not saved since that run was
 * created (a saved export may map other fields, segments or a sync mode). Only a complete match
 * skips: a snapshot that could not be read now, or a run planned before versions were recorded,
 * means the export runs.
 */
export function unchangedReason(
  record: Pick<ExportRecord, 'segments' | 'updatedAt'>,
  currentEtags: ReadonlyMap<string, string>,
  last: Run | undefined,
): SkipReason | undefined {
  if (!last) return undefined;
  // Members a batch failed on are retried by the next run, whatever the snapshots.
  if (last.counts.failed > 0) return undefined;
  if (Date.parse(record.updatedAt) >= Date.parse(last.createdAt)) return undefined;
  const planned = new Map(last.segments.map((segment) => [segment.name, segment.snapshotEtag]));
  if (planned.size !== record.segments.length) return undefined;
  const same = record.segments.every((name) => {
    const etag = currentEtags.get(name);
    return etag !== undefined && planned.get(name) === etag;
  });
  if (!same) return undefined;
  return {
    code: 'SnapshotsUnchanged',
    message: `Every snapshot is the version run '${last.id}' already delivered; nothing to send.`,
  };
}
