import type { Readable } from 'node:stream';
import { AppError } from '../http/errors';
import type { Run, RunMessage } from '../runs/run-schemas';
import type { StoredRun } from '../runs/run-store';
import { BatchWriter } from './batch-writer';
import { planDelta } from './delta-plan';
import { resolveList } from './export-lists';
import type { ExportedState } from './exported-state';
import type { PipelineDeps } from './pipeline-deps';
import { tryFinalizeRun } from './run-finalizer';
import { segmentMembers, type Rejection } from './segment-members';
import { readSnapshotRows } from './snapshot-rows';
import { checkRemovals, removalsPossible, type SegmentRemovals } from './removal-guard';

/** A run that cannot go on for a reason the user can fix; the run fails with this message. */
class RunFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Queue export-runs: turns a queued run into batches. It marks the run `planning`, resolves the
 * connection and one list per segment, streams each snapshot through the delta plan into batch
 * blobs (enqueued as they are written), records the plan's counts and marks the run `running`.
 * A run that is no longer queued (cancelled, or a duplicate message) is left alone.
 */
export async function planRun(deps: PipelineDeps, message: RunMessage): Promise<void> {
  if (message.action === 'release') return releaseRun(deps, message);
  const { tenantId, exportId, runId } = message;
  const run = await deps.runs.get(tenantId, exportId, runId);
  if (!run || run.status !== 'queued') return;
  const started: StoredRun = { ...run, status: 'planning', startedAt: new Date().toISOString() };
  if (!(await deps.runs.save(tenantId, started))) return;
  const planning = (await deps.runs.get(tenantId, exportId, runId))!;
  deps.log.info('Run planning started', { mode: run.mode, dryRun: run.dryRun });
  try {
    await plan(deps, message, planning);
  } catch (error) {
    if (error instanceof RunFailure || error instanceof AppError) {
      await endRun(deps, tenantId, exportId, runId, 'failed', {
        code: error.code,
        message: error.message,
      });
      return;
    }
    throw error;
  }
}

/**
 * A run an Admin confirmed (now `running`): its held batches go on the queue. Sent again after a
 * crash, the batches are enqueued twice and counted once.
 */
async function releaseRun(deps: PipelineDeps, message: RunMessage): Promise<void> {
  const { tenantId, exportId, runId } = message;
  const run = await deps.runs.get(tenantId, exportId, runId);
  if (!run || run.status !== 'running') return;
  await deps.held.release(await deps.held.load(tenantId, runId));
  await tryFinalizeRun(deps, tenantId, exportId, runId);
}

async function plan(deps: PipelineDeps, message: RunMessage, run: StoredRun): Promise<void> {
  const { tenantId, exportId, runId } = message;
  const exportRecord = await deps.exports.get(tenantId, exportId);
  if (!exportRecord) throw new RunFailure('ExportNotFound', 'The export was deleted.');
  // Every snapshot must exist before anything is sent: a missing one never means "empty".
  const snapshots = await Promise.all(
    exportRecord.segments.map((name) => deps.segments.snapshot(tenantId, name)),
  );
  const { connection, apiKey } = await deps.connections.apiKey(tenantId, exportRecord.connectionId);
  const iterable = deps.iterable(connection, apiKey);
  const existing = await iterable.getLists();
  const storedLists = await deps.lists.load(tenantId, exportId);
  // Removals are known only once a snapshot is read: while they may trip the guard, batches are
  // written but held back, so nothing is sent before the plan is known to be safe.
  const { pointer } = await deps.state.committed(tenantId, exportId);
  const hold = removalsPossible(exportRecord.syncMode, pointer !== undefined, deps.guard);
  const writer = new BatchWriter(
    deps.work,
    deps.batchQueue,
    { tenantId, exportId, runId },
    run.dryRun ? 'count' : hold ? 'hold' : 'send',
  );
  const removals: SegmentRemovals[] = [];
  const rejections: Rejection[] = [];
  const segments: Run['segments'] = [];
  const totals = { total: 0, added: 0, updated: 0, unchanged: 0, removed: 0 };

  for (const snapshot of snapshots) {
    const list =
      run.dryRun && !storedLists[snapshot.name]
        ? { listId: 0, createdAt: 0, fresh: true }
        : await resolveList(iterable, existing, snapshot.name, storedLists[snapshot.name]);
    if (!run.dryRun)
      storedLists[snapshot.name] = { listId: list.listId, createdAt: list.createdAt };
    // A new or recreated list holds no one: send everyone, remove no one.
    const previous: ExportedState = list.fresh
      ? new Map<string, string>()
      : await deps.state.load(tenantId, exportId, snapshot.name);
    const download = await deps.segmentBlobs
      .getBlobClient(snapshot.blobName)
      .download(0, undefined, {
        conditions: { ifMatch: snapshot.etag },
      });
    const rows = readSnapshotRows(
      download.readableStreamBody as Readable,
      snapshot.format,
      snapshot.compressed,
    );
    const members = segmentMembers(rows, exportRecord, (rejection) => rejections.push(rejection));
    const target = { segment: snapshot.name, listId: list.listId, listCreatedAt: list.createdAt };
    const listSize = previous.size; // the plan takes the map over
    const planned = await planDelta(
      members,
      previous,
      { mode: run.mode, syncMode: exportRecord.syncMode },
      (member, change) => writer.subscribe(target, member, change),
    );
    if (planned.removed.length) await writer.unsubscribe(target, planned.removed);
    removals.push({ name: snapshot.name, listSize, removing: planned.removed.length });
    if (!run.dryRun)
      await deps.state.saveRunState(tenantId, exportId, runId, snapshot.name, planned.next);
    for (const key of Object.keys(totals) as (keyof typeof totals)[])
      totals[key] += planned.counts[key];
    segments.push({
      name: snapshot.name,
      ...(list.listId ? { listId: list.listId } : {}),
      ...(list.fresh ? { sentInFull: true } : {}),
      counts: { ...planned.counts, rejected: 0, failed: 0 },
    });
  }
  const batchCount = await writer.close();
  if (!run.dryRun) await deps.lists.save(tenantId, exportId, storedLists);
  if (rejections.length) await saveRejections(deps, tenantId, runId, rejections);

  const confirmation = run.dryRun ? undefined : checkRemovals(removals, deps.guard);
  if (confirmation) await deps.held.save(tenantId, runId, writer.held);
  else await deps.held.release(writer.held);

  const current = (await deps.runs.get(tenantId, exportId, runId))!;
  if (current.status !== 'planning') return; // cancelled meanwhile: the batches see it and stop
  const planned: StoredRun = {
    ...current,
    status: run.dryRun ? 'succeeded' : confirmation ? 'awaitingConfirmation' : 'running',
    batchCount,
    counts: { ...totals, rejected: rejections.length, failed: 0 },
    segments,
    ...(confirmation ? { confirmation } : {}),
  };
  if (confirmation) {
    if (await deps.runs.save(tenantId, planned)) {
      deps.log.info('Run held for confirmation', { reason: confirmation.message });
    }
    return;
  }
  if (run.dryRun) {
    deps.log.info('Dry run planned', { batchCount, counts: planned.counts });
    await deps.runs.finish(tenantId, {
      ...planned,
      percentComplete: 100,
      finishedAt: new Date().toISOString(),
    });
    return;
  }
  if (!(await deps.runs.save(tenantId, planned))) return;
  deps.log.info('Run planned', { batchCount, counts: planned.counts });
  await tryFinalizeRun(deps, tenantId, exportId, runId);
}

async function saveRejections(
  deps: PipelineDeps,
  tenantId: string,
  runId: string,
  rejections: Rejection[],
) {
  const body = rejections.map((rejection) => JSON.stringify(rejection)).join('\n');
  const blob = deps.work.getBlockBlobClient(
    `${encodeURIComponent(tenantId)}/${runId}/rejections.jsonl`,
  );
  await blob.upload(body, Buffer.byteLength(body));
}

export async function endRun(
  deps: Pick<PipelineDeps, 'runs' | 'log'>,
  tenantId: string,
  exportId: string,
  runId: string,
  status: Run['status'],
  error?: Run['error'],
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const run = await deps.runs.get(tenantId, exportId, runId);
    if (
      !run ||
      ['succeeded', 'partiallySucceeded', 'failed', 'cancelled', 'skipped'].includes(run.status)
    )
      return;
    const ended = {
      ...run,
      status,
      finishedAt: new Date().toISOString(),
      ...(error ? { error } : {}),
    };
    if (await deps.runs.finish(tenantId, ended)) {
      // The same line as a run that ends after its batches, so one query finds every ending.
      deps.log.info('Run finished', {
        status,
        counts: ended.counts,
        durationMs: Date.parse(ended.finishedAt) - Date.parse(run.startedAt ?? run.createdAt),
        ...(error ? { errorCode: error.code, errorMessage: error.message } : {}),
      });
      return;
    }
  }
}
