import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import type { ContainerClient, ContainerListBlobFlatSegmentResponse } from '@azure/storage-blob';
import { getOrUndefined, unlessGone } from '../clients/azure-errors';
import { rowsAfter } from '../clients/table-pages';
import { mapConcurrently } from '../map-concurrently';
import { runIdTime } from '../runs/run-id';
import {
  exportStatePrefix,
  runBlobsPrefix,
  runStateRunOf,
  statePointerBlobName,
} from '../work-blobs';
import type { ErasureRecord } from './erasure-records';
import type { WorkBudget } from './work-budget';

/** Blobs and rows deleted at once. */
const parallel = 8;
/** Rows and blobs read per listing page. */
const pageSize = 100;

/** `{exportId}|{inverted ms}|{runId}`: a run row (runs/run-store.ts). */
const runRowPattern = /^[^|]+\|(\d{13})\|([^|]+)$/;
const maxTimestamp = 9_999_999_999_999;

/** A run row's run id and creation time, or undefined for the other rows of an export. */
export function runOfRowKey(rowKey: string): { runId: string; createdAtMs: number } | undefined {
  const match = runRowPattern.exec(rowKey);
  if (!match) return undefined;
  return { runId: match[2]!, createdAtMs: maxTimestamp - Number(match[1]) };
}

/** Where the member data of an export is kept. */
export interface ErasureStorage {
  /** The runs table: runs, their batch results and progress, slot and refresh claims. */
  runs: TableClient;
  /** export-batches: each run's batch blobs, failure lists, rejections, held batches. */
  work: ContainerClient;
  /** export-state: the export's state pointer, run states, lists and removal baseline. */
  state: ContainerClient;
}

/**
 * One sweep of an erasure (erasure-records.ts says what each scope takes away), spending at most
 * the budget; true when it went through to the end, false when the budget ran out first (the
 * record's cursor then says where the next sweep goes on). Deleting what is gone already is no
 * error, so a sweep may run again at any time, and a second one after the erased runs' last
 * invocations ended takes away what they wrote late.
 */
export async function sweepErasure(
  storage: ErasureStorage,
  record: ErasureRecord,
  budget: WorkBudget,
): Promise<boolean> {
  const cutoff = record.scope === 'export' ? Infinity : Date.parse(record.requestedAt);
  if (!(await sweepRuns(storage, record, cutoff, budget))) return false;
  if (record.scope === 'export') {
    for (const prefix of [`slot|${record.exportId}|`, `refresh|${record.exportId}|`]) {
      if (!(await deleteRows(storage.runs, record.tenantId, prefix, budget))) return false;
    }
    if (!budget.take()) return false;
    await unlessGone(() =>
      storage.runs.deleteEntity(record.tenantId, `schedule|${record.exportId}`),
    );
  }
  return sweepState(storage, record, cutoff, budget);
}

/**
 * The work blobs of every run created until `cutoff`. The rows stay: a run's record holds counts,
 * not members, and it stays readable (a deleted export's cancelled run too) until retention takes
 * it with the rest of the run history.
 */
async function sweepRuns(
  storage: ErasureStorage,
  record: ErasureRecord,
  cutoff: number,
  budget: WorkBudget,
): Promise<boolean> {
  const { tenantId, exportId } = record;
  for (;;) {
    if (!budget.take()) return false;
    const after = record.cursor ?? `${exportId}|`;
    const page = await rowsAfter(
      storage.runs,
      tenantId,
      { after, below: `${exportId}|~` },
      pageSize,
    );
    for (const row of page.rows) {
      const rowKey = String(row.rowKey);
      const run = runOfRowKey(rowKey);
      if (run && run.createdAtMs <= cutoff) {
        const prefix = runBlobsPrefix(tenantId, run.runId);
        if (!(await deleteBlobs(storage.work, prefix, () => true, budget))) return false;
      }
      record.cursor = rowKey;
    }
    if (page.done) {
      delete record.cursor;
      return true;
    }
  }
}

/** Rows of the tenant's partition whose key starts with `prefix`. */
export async function deleteRows(
  table: TableClient,
  tenantId: string,
  prefix: string,
  budget: WorkBudget,
): Promise<boolean> {
  for (;;) {
    if (!budget.take()) return false;
    const filter = odata`PartitionKey eq ${tenantId} and RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}`;
    const keys: string[] = [];
    const pages = table.listEntities({ queryOptions: { filter, select: ['RowKey'] } });
    for await (const page of pages.byPage({ maxPageSize: pageSize })) {
      keys.push(...page.map((row) => String(row.rowKey)));
      if (keys.length >= pageSize) break;
    }
    if (!keys.length) return true;
    const allowed = keys.filter(() => budget.take());
    await mapConcurrently(allowed, parallel, (rowKey) =>
      unlessGone(() => table.deleteEntity(tenantId, rowKey)),
    );
    if (allowed.length < keys.length) return false;
  }
}

/**
 * The export's folder in export-state. Scope `export`: all of it. Scope `connection`: the state
 * blobs of runs created until `cutoff`, the pointer when it names one of them, and the lists and
 * removal baseline as they were then; what a run after the move wrote stays.
 */
async function sweepState(
  storage: ErasureStorage,
  record: ErasureRecord,
  cutoff: number,
  budget: WorkBudget,
): Promise<boolean> {
  const { tenantId, exportId } = record;
  const folder = exportStatePrefix(tenantId, exportId);
  const pointer = statePointerBlobName(tenantId, exportId);
  let pointerRun: number | undefined;
  if (record.scope === 'connection') {
    if (!budget.take()) return false;
    pointerRun = await pointerRunTime(storage.state, pointer);
  }
  return deleteBlobs(
    storage.state,
    folder,
    (name, lastModified) => {
      if (cutoff === Infinity) return true;
      const runId = runStateRunOf(tenantId, exportId, name);
      if (runId) return runTime(runId) <= cutoff;
      if (name === pointer) return pointerRun !== undefined && pointerRun <= cutoff;
      return lastModified.getTime() <= cutoff;
    },
    budget,
  );
}

/**
 * The creation time of the run the state pointer names: undefined without a pointer, 0 (long ago)
 * for one that cannot be read.
 */
async function pointerRunTime(state: ContainerClient, name: string): Promise<number | undefined> {
  const body = await getOrUndefined(() => state.getBlobClient(name).downloadToBuffer());
  if (!body) return undefined;
  try {
    const { runId } = JSON.parse(body.toString('utf8')) as { runId?: unknown };
    return typeof runId === 'string' ? runTime(runId) : 0;
  } catch {
    return 0;
  }
}

/** A run's creation time from its UUIDv7 id; 0 (long ago) for an id of another kind. */
function runTime(runId: string): number {
  return runIdTime(runId) ?? 0;
}

/** The blobs under `prefix` that `wanted` picks, a page at a time. */
export async function deleteBlobs(
  container: ContainerClient,
  prefix: string,
  wanted: (name: string, lastModified: Date) => boolean,
  budget: WorkBudget,
  deleted: (count: number) => void = () => undefined,
): Promise<boolean> {
  let marker: string | undefined;
  for (;;) {
    if (!budget.take()) return false;
    const pages = container
      .listBlobsFlat({ prefix })
      .byPage({ maxPageSize: pageSize, ...(marker ? { continuationToken: marker } : {}) });
    const next = await pages.next();
    if (next.done) return true;
    const page: ContainerListBlobFlatSegmentResponse = next.value;
    const names = page.segment.blobItems
      .filter((blob) => wanted(blob.name, blob.properties.lastModified))
      .map((blob) => blob.name);
    const allowed = names.filter(() => budget.take());
    await mapConcurrently(allowed, parallel, (name) =>
      unlessGone(() => container.deleteBlob(name)),
    );
    deleted(allowed.length);
    if (allowed.length < names.length) return false;
    marker = page.continuationToken;
    if (!marker) return true;
  }
}
