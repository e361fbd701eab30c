import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import type { ContainerClient } from '@azure/storage-blob';
import { unlessGone } from '../clients/azure-errors';
import { activeStatuses, type RunStatus } from '../runs/run-schemas';
import { runBlobsPrefix } from '../work-blobs';
import { deleteBlobs, deleteRows } from './export-erasure';
import type { WorkBudget } from './work-budget';

const dayMs = 86_400_000;
const pageSize = 100;

export interface RowRetention {
  runHistoryDays: number;
  slotClaimsDays: number;
}

export interface RetentionTally {
  runs: number;
  claims: number;
  blobs: number;
}

/**
 * The runs table's expired rows, over every tenant: a run record last changed more than
 * `runHistoryDays` ago (with its batch results, progress marks and any files left), and slot and
 * refresh claims older than `slotClaimsDays`. The service filters on the row kind and its
 * timestamp, so only expired rows come back; `position.token` is where the scan stopped when the
 * budget ran out, and it goes on from there. A run still active (stuck) is never touched.
 */
export async function pruneRunRows(
  storage: { runs: TableClient; work: ContainerClient },
  retention: RowRetention,
  now: Date,
  position: { token?: string },
  budget: WorkBudget,
  tally: RetentionTally,
): Promise<boolean> {
  const history = new Date(now.getTime() - retention.runHistoryDays * dayMs);
  const claims = new Date(now.getTime() - retention.slotClaimsDays * dayMs);
  const filter = odata`(kind eq 'run' and Timestamp lt ${history}) or ((kind eq 'slot' or kind eq 'refreshClaim') and Timestamp lt ${claims})`;
  for (;;) {
    if (!budget.take()) return false;
    const pages = storage.runs
      .listEntities({
        queryOptions: { filter, select: ['PartitionKey', 'RowKey', 'kind', 'run', 'runId'] },
      })
      .byPage({
        maxPageSize: pageSize,
        ...(position.token ? { continuationToken: position.token } : {}),
      });
    const next = await pages.next();
    if (next.done) {
      delete position.token;
      return true;
    }
    for (const row of next.value) {
      const tenantId = String(row.partitionKey);
      const rowKey = String(row.rowKey);
      if (row.kind === 'run') {
        const done = await pruneRun(storage, tenantId, rowKey, row, budget, tally);
        // Out of budget part-way: this page is read again next time, less what went.
        if (!done) return false;
        continue;
      }
      if (!budget.take()) return false;
      await unlessGone(() => storage.runs.deleteEntity(tenantId, rowKey));
      tally.claims++;
    }
    const token = next.value.continuationToken;
    if (!token) {
      delete position.token;
      return true;
    }
    position.token = token;
  }
}

/** One expired run: its files, its batch and progress rows, then its record. */
async function pruneRun(
  storage: { runs: TableClient; work: ContainerClient },
  tenantId: string,
  rowKey: string,
  row: Record<string, unknown>,
  budget: WorkBudget,
  tally: RetentionTally,
): Promise<boolean> {
  if (isActive(row.run)) return true;
  const [exportId, , runId] = rowKey.split('|');
  if (!exportId || !runId) return true;
  const prefix = runBlobsPrefix(tenantId, runId);
  const counted = (count: number) => (tally.blobs += count);
  if (!(await deleteBlobs(storage.work, prefix, () => true, budget, counted))) return false;
  for (const rows of [`${exportId}|batch|${runId}|`, `${exportId}|progress|${runId}|`]) {
    if (!(await deleteRows(storage.runs, tenantId, rows, budget))) return false;
  }
  if (!budget.take()) return false;
  await unlessGone(() => storage.runs.deleteEntity(tenantId, rowKey));
  tally.runs++;
  return true;
}

/** A run record whose status cannot be read counts as active: it is left alone. */
function isActive(run: unknown): boolean {
  try {
    const { status } = JSON.parse(String(run)) as { status?: unknown };
    return typeof status !== 'string' || activeStatuses.has(status as RunStatus);
  } catch {
    return true;
  }
}
