import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import type { ContainerClient } from '@azure/storage-blob';
import { runIdTime } from '../runs/run-id';
import { workBlobOf } from '../work-blobs';
import { deleteBlobs } from './export-erasure';
import type { RetentionTally } from './run-rows-retention';
import type { WorkBudget } from './work-budget';

const dayMs = 86_400_000;

export interface FileRetention {
  rejectionsDays: number;
  batchBlobsDays: number;
}

/**
 * The work container's expired files, tenant folder by tenant folder: a run's batch blobs and
 * held batches once the run is `batchBlobsDays` old, its rejections and failure lists once it is
 * `rejectionsDays` old (by the time its id carries; the blob's own time for an id without one).
 * The files of a run still active are kept, however old. `position.token` is the tenant listing's
 * page the pass was in when the budget ran out.
 */
export async function pruneRunFiles(
  storage: { runs: TableClient; work: ContainerClient },
  retention: FileRetention,
  now: Date,
  position: { token?: string },
  budget: WorkBudget,
  tally: RetentionTally,
): Promise<boolean> {
  const batchCutoff = now.getTime() - retention.batchBlobsDays * dayMs;
  const rejectionsCutoff = now.getTime() - retention.rejectionsDays * dayMs;
  for (;;) {
    if (!budget.take()) return false;
    const pages = storage.work.listBlobsByHierarchy('/').byPage({
      maxPageSize: 50,
      ...(position.token ? { continuationToken: position.token } : {}),
    });
    const next = await pages.next();
    if (next.done) break;
    const folders = next.value.segment.blobPrefixes ?? [];
    for (const { name: folder } of folders) {
      if (!budget.take()) return false;
      const active = await activeRunIds(storage.runs, decodeURIComponent(folder.slice(0, -1)));
      const expired = (name: string, lastModified: Date) => {
        const blob = workBlobOf(name);
        if (!blob || active.has(blob.runId)) return false;
        const cutoff = blob.refused ? rejectionsCutoff : batchCutoff;
        return (runIdTime(blob.runId) ?? lastModified.getTime()) <= cutoff;
      };
      const counted = (count: number) => (tally.blobs += count);
      if (!(await deleteBlobs(storage.work, folder, expired, budget, counted))) return false;
    }
    const token = next.value.continuationToken;
    if (!token) break;
    position.token = token;
  }
  delete position.token;
  return true;
}

/** The runs of a tenant that are active now, from their exports' active-run markers. */
async function activeRunIds(runs: TableClient, tenantId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const rows = runs.listEntities({
    queryOptions: {
      filter: odata`PartitionKey eq ${tenantId} and kind eq 'marker'`,
      select: ['runId'],
    },
  });
  for await (const row of rows) ids.add(String(row.runId));
  return ids;
}
