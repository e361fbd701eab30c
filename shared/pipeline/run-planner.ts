import type { Readable } from 'node:stream';
import { AppError } from '../errors';
import { statusCodeOf } from '../clients/azure-errors';
import { IterableError } from '../clients/iterable/iterable-error';
import { runMessageText, type Run, type RunMessage } from '../runs/run-schemas';
import type { StoredRun } from '../runs/run-store';
import type { ExportRecord } from '../exports/export-store';
import type { SegmentSnapshot } from '../segments/segment-catalog';
import { BatchWriter } from './batch-writer';
import type { StatePointer } from './exported-state';
import { resolveExportLists } from './export-lists';
import type { PipelineDeps } from './pipeline-deps';
import { tryFinalizeRun } from './run-finalizer';
import { segmentMembers } from './segment-members';
import { RejectionLog } from './run-rejections';
import { readSnapshotRows, SnapshotUnreadableError } from './snapshot-rows';
import { SnapshotTooLargeError } from './snapshot-limits';
import type { PlanningLease } from './planning-budget';
import { membersPlannedAtOnce, planningPartitions, planSegment } from './segment-plan';
import { recordRunFinished, recordSnapshotRejections } from '../telemetry';
import { checkRemovals, removalsPossible, type SegmentRemovals } from './removal-guard';
import { RemovalSafety } from './removal-safety';
import { quoteForMessage } from '../quote-for-message';

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
export async function planRun(
  deps: PipelineDeps,
  message: RunMessage,
  /** How often the queue delivered this message: above 1, an earlier planner died or failed. */
  dequeueCount = 1,
): Promise<void> {
  if (message.action === 'release') return releaseRun(deps, message);
  const { tenantId, exportId, runId } = message;
  const run = await deps.runs.get(tenantId, exportId, runId);
  if (!run) return;
  // A run still `planning` when its message comes back lost its planner: plan it again (the
  // same snapshots give the same batches, and a batch already recorded counts once). A second
  // message for a run being planned (dequeued once) is a duplicate and is left alone.
  const takeOver = run.status === 'planning' && dequeueCount > 1;
  if (run.status !== 'queued' && !takeOver) return;
  const started: StoredRun = {
    ...run,
    status: 'planning',
    startedAt: run.startedAt ?? new Date().toISOString(),
  };
  if (!(await deps.runs.save(tenantId, started))) return;
  const planning = (await deps.runs.get(tenantId, exportId, runId))!;
  deps.log.info('Run planning started', {
    mode: run.mode,
    dryRun: run.dryRun,
    ...(takeOver ? { plannedAgain: true } : {}),
    ...(message.attempt ? { attempt: message.attempt } : {}),
  });
  try {
    await plan(deps, message, planning);
  } catch (error) {
    if (error instanceof PlannerBusy) {
      // Not a failure: the attempt is not counted, and another instance may take the run.
      await putBack(deps, message, {
        attempt: message.attempt,
        delaySeconds: Math.ceil(15 + Math.random() * 15),
        why: 'Run planning put back: this instance is planning other large segments',
        properties: { members: error.members },
      });
      return;
    }
    if (transient(error) && (message.attempt ?? 0) < maxPlanningRetries) {
      await planLater(deps, message, error);
      return;
    }
    if (error instanceof IterableError && error.kind === 'auth') {
      await deps.webhookEvents.connectionKeyRejected(
        tenantId,
        { exportId, runId },
        { status: error.iterableStatus, code: error.iterableCode },
      );
    }
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

/** Planning is put back this many times (2 s doubling to 5 min, about 17 minutes in all). */
const maxPlanningRetries = 8;

/** Iterable throttling or failing for a while, which waiting may cure. */
function transient(error: unknown): error is IterableError {
  return error instanceof IterableError && error.retryable;
}

/**
 * Puts a run whose planning met a passing failure back in the queue with a delay, rather than
 * failing it or spending the queue's few quick redeliveries on an outage.
 */
async function planLater(deps: PipelineDeps, message: RunMessage, error: IterableError) {
  const attempt = (message.attempt ?? 0) + 1;
  const delaySeconds = Math.ceil(
    Math.max(
      Math.min(300, 2 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2),
      (error.retryAfterMs ?? 0) / 1000,
    ),
  );
  await putBack(deps, message, {
    attempt,
    delaySeconds,
    why: 'Run planning put back: Iterable failed for now',
    properties: { reason: error.message },
  });
}

/** Makes a run being planned `queued` again and sends its message back after a delay. */
async function putBack(
  deps: PipelineDeps,
  message: RunMessage,
  next: {
    attempt: number | undefined;
    delaySeconds: number;
    why: string;
    properties: Record<string, unknown>;
  },
) {
  const { tenantId, exportId, runId } = message;
  const run = await deps.runs.get(tenantId, exportId, runId);
  if (!run || run.status !== 'planning') return;
  if (!(await deps.runs.save(tenantId, { ...run, status: 'queued' }))) return;
  deps.log.warn(next.why, {
    ...(next.attempt ? { attempt: next.attempt } : {}),
    delaySeconds: next.delaySeconds,
    ...next.properties,
  });
  const again: RunMessage = {
    ...message,
    ...(next.attempt ? { attempt: next.attempt } : {}),
  };
  await deps.runQueue.sendMessage(runMessageText(again), {
    visibilityTimeout: next.delaySeconds,
  });
}

/**
 * A run an Admin confirmed (now `running`): its held batches go on the queue. Sent again after a
 * crash, the batches are enqueued twice and counted once.
 */
async function releaseRun(deps: PipelineDeps, message: RunMessage): Promise<void> {
  const { tenantId, exportId, runId } = message;
  const run = await deps.runs.get(tenantId, exportId, runId);
  if (!run || run.status !== 'running') return;
  // The Admin accepted these lists' new size: removals in steps are measured from it from now on.
  const confirmed = run.confirmation?.segments.map((segment) => segment.name) ?? [];
  if (confirmed.length) await deps.baselines.resetSizes(tenantId, exportId, confirmed);
  await deps.held.release(await deps.held.load(tenantId, runId));
  await tryFinalizeRun(deps, tenantId, exportId, runId);
}

async function plan(deps: PipelineDeps, message: RunMessage, run: StoredRun): Promise<void> {
  const { tenantId, exportId } = message;
  const exportRecord = await deps.exports.get(tenantId, exportId);
  if (!exportRecord) throw new RunFailure('ExportNotFound', 'The export was deleted.');
  // Every snapshot must exist before anything is sent: a missing one never means "empty".
  const snapshots = await Promise.all(
    exportRecord.segments.map((name) => deps.segments.snapshot(tenantId, name)),
  );
  await pinSnapshots(deps, tenantId, run, snapshots);
  // A CSV header without the e-mail column would make every row a rejection and the segment look
  // empty, which a mirror run would turn into removing everyone.
  const withoutEmail = snapshots.find(
    (snapshot) => snapshot.format === 'csv' && !snapshot.columns.includes(exportRecord.emailField),
  );
  if (withoutEmail) {
    throw new RunFailure(
      'ColumnNotFound',
      `Segment ${quoteForMessage(withoutEmail.name)} has no column ${quoteForMessage(exportRecord.emailField)} (the email field); nothing was sent or removed.`,
    );
  }
  const { pointer } = await deps.state.committed(tenantId, exportId);
  const previousMembers = new Map(
    await Promise.all(
      snapshots.map(async (snapshot): Promise<[string, number]> => {
        const blob = pointer?.segments[snapshot.name];
        return [snapshot.name, blob ? ((await deps.state.memberCount(blob)) ?? 0) : 0];
      }),
    ),
  );
  // Segments are planned one after another: the largest sets what the run holds at once.
  const atOnce = Math.max(
    ...snapshots.map((snapshot) =>
      membersPlannedAtOnce(previousMembers.get(snapshot.name) ?? 0, snapshot),
    ),
  );
  // What the plan is expected to hold at first; it holds more as it reads more rows.
  const lease = deps.planningBudget.lease();
  try {
    if (!(await lease.hold(atOnce))) throw new PlannerBusy(atOnce);
    await planSegments(deps, message, run, exportRecord, snapshots, {
      pointer,
      previousMembers,
      lease,
    });
  } finally {
    lease.release();
  }
}

/** The instance is planning other large segments: the run waits in the queue instead. */
class PlannerBusy extends Error {
  constructor(readonly members: number) {
    super('This instance is planning other large segments');
  }
}

/** Plans the run's segments one by one, then records the plan and sends the run on its way. */
async function planSegments(
  deps: PipelineDeps,
  message: RunMessage,
  run: StoredRun,
  exportRecord: ExportRecord,
  snapshots: SegmentSnapshot[],
  known: {
    pointer: StatePointer | undefined;
    previousMembers: Map<string, number>;
    lease: PlanningLease;
  },
): Promise<void> {
  const { tenantId, exportId, runId } = message;
  const { pointer, previousMembers, lease } = known;
  // Refused (409) when the connection was disabled or deleted after the run was queued.
  const { connection, apiKey } = await deps.connections.apiKey(
    tenantId,
    exportRecord.connectionId,
    {
      forRun: true,
    },
  );
  const iterable = deps.iterable(connection, apiKey);
  const storedLists = await deps.lists.load(tenantId, exportId);
  const lists = await resolveExportLists({
    ownership: deps.listOwnership,
    owner: { tenantId, exportId },
    apiKey,
    api: iterable,
    segments: snapshots.map((snapshot) => snapshot.name),
    stored: storedLists,
    dryRun: run.dryRun,
  });
  const safety = await RemovalSafety.load(deps, { tenantId, exportId, runId }, exportRecord);
  // Removals are known only once a snapshot is read: while they may trip the guard, batches are
  // written but held back, so nothing is sent before the plan is known to be safe.
  const hold = removalsPossible(
    exportRecord.syncMode,
    pointer !== undefined,
    safety.thresholds.guard,
  );
  const writer = new BatchWriter(
    deps.work,
    deps.batchQueue,
    { tenantId, exportId, runId },
    run.dryRun ? 'count' : hold ? 'hold' : 'send',
  );
  const removals: SegmentRemovals[] = [];
  const rejections = new RejectionLog(deps.work, { tenantId, runId });
  const segments: Run['segments'] = [];
  const totals = { total: 0, added: 0, updated: 0, unchanged: 0, removed: 0 };

  try {
    for (const snapshot of snapshots) {
      const list = lists.get(snapshot.name)!;
      if (!run.dryRun)
        storedLists[snapshot.name] = { listId: list.listId, createdAt: list.createdAt };
      // A new or recreated list holds no one: send everyone, remove no one.
      const previousBlob = list.fresh ? undefined : pointer?.segments[snapshot.name];
      const partitions = planningPartitions(
        previousBlob ? (previousMembers.get(snapshot.name) ?? 0) : 0,
        snapshot,
      );
      const download = await deps.segmentBlobs
        .getBlobClient(snapshot.blobName)
        .download(0, undefined, {
          conditions: { ifMatch: snapshot.etag },
        })
        .catch((error: unknown) => {
          throw rewritten(error, snapshot.name);
        });
      const rows = readSnapshotRows(
        download.readableStreamBody as Readable,
        snapshot.format,
        snapshot.compressed,
        deps.snapshotLimits,
      );
      const evidence = safety.segment(snapshot.name);
      const members = pacedBy(
        segmentMembers(
          rows,
          exportRecord,
          (rejection) => rejections.add(rejection),
          evidence.tally,
        ),
        rejections,
      );
      const target = { segment: snapshot.name, listId: list.listId, listCreatedAt: list.createdAt };
      const next = run.dryRun
        ? undefined
        : deps.state.openRunState(tenantId, exportId, runId, snapshot.name);
      let removing = 0;
      const planned = await planSegment({
        members,
        previousBlob,
        partitions,
        options: { mode: run.mode, syncMode: exportRecord.syncMode },
        state: deps.state,
        subscribe: (member, change) => writer.subscribe(target, member, change),
        unsubscribe: (emails) => {
          removing += emails.length;
          return writer.unsubscribe(target, emails);
        },
        next,
        // A plan that cannot have the memory its rows need goes back on the queue.
        hold: async (members) => {
          if (!(await lease.hold(members))) throw new PlannerBusy(members);
        },
        // A snapshot that looks damaged sends its adds and updates but removes no one.
        removalsAllowed: () => evidence.removalsAllowed(),
      }).catch((error: unknown) => {
        next?.abort();
        // Several segments may be planned: the message says which snapshot it is about.
        const segment = quoteForMessage(snapshot.name);
        if (error instanceof SnapshotUnreadableError)
          throw new SnapshotUnreadableError(`Segment ${segment}: ${error.message}`);
        if (error instanceof SnapshotTooLargeError)
          throw new SnapshotTooLargeError(`Segment ${segment}: ${error.message}`);
        // The read is conditional on the planned version: a rewrite while it is read ends it.
        if (statusCodeOf(error) === 412) throw rewritten(error, snapshot.name);
        // A damaged gzip stream ends the run with a clear error before anything is removed.
        if (
          typeof (error as { code?: unknown }).code === 'string' &&
          /^Z_/.test((error as { code: string }).code)
        )
          throw new RunFailure(
            'SnapshotUnreadable',
            `Segment ${segment} could not be decompressed (gzip: ${(error as Error).message}); no one was removed.`,
          );
        throw error;
      });
      await next?.close();
      if (planned.parts > 1)
        deps.log.info('Segment planned in partitions', { parts: planned.parts });
      removals.push(safety.removals(snapshot.name, planned.previousSize, removing));
      for (const key of Object.keys(totals) as (keyof typeof totals)[])
        totals[key] += planned.counts[key];
      segments.push({
        name: snapshot.name,
        ...(list.listId ? { listId: list.listId } : {}),
        ...(list.fresh ? { sentInFull: true } : {}),
        snapshotEtag: snapshot.etag,
        counts: { ...planned.counts, rejected: 0, failed: 0 },
      });
    }
    await rejections.close();
  } catch (error) {
    rejections.abort();
    throw error;
  }
  const batchCount = await writer.close();
  if (!run.dryRun) await deps.lists.save(tenantId, exportId, storedLists);
  recordSnapshotRejections(rejections.count);

  const warnings = safety.warnings(run.dryRun);
  if (!run.dryRun) await safety.save();
  const confirmation = run.dryRun ? undefined : checkRemovals(removals, safety.thresholds.guard);
  if (confirmation) await deps.held.save(tenantId, runId, writer.held);
  else await deps.held.release(writer.held);

  const current = (await deps.runs.get(tenantId, exportId, runId))!;
  if (current.status !== 'planning') return; // cancelled meanwhile: the batches see it and stop
  const planned: StoredRun = {
    ...current,
    status: run.dryRun ? 'succeeded' : confirmation ? 'awaitingConfirmation' : 'running',
    batchCount,
    counts: { ...totals, rejected: rejections.count, failed: 0 },
    segments,
    ...(confirmation ? { confirmation } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
  if (confirmation) {
    if (await deps.runs.hold(tenantId, planned)) {
      deps.log.info('Run held for confirmation', { reason: confirmation.message });
    }
    return;
  }
  if (run.dryRun) {
    deps.log.info('Dry run planned', { batchCount, counts: planned.counts });
    const finished = { ...planned, percentComplete: 100, finishedAt: new Date().toISOString() };
    if (await deps.runs.finish(tenantId, finished)) recordRunFinished(finished);
    return;
  }
  if (!(await deps.runs.save(tenantId, planned))) return;
  deps.log.info('Run planned', { batchCount, counts: planned.counts });
  await tryFinalizeRun(deps, tenantId, exportId, runId);
}

/**
 * Records which snapshot versions this run plans, the first time, and holds a run planned again
 * to them: batches are numbered in snapshot order, so another version would give batches of
 * the same numbers other members.
 */
async function pinSnapshots(
  deps: PipelineDeps,
  tenantId: string,
  run: StoredRun,
  snapshots: { name: string; etag: string }[],
): Promise<void> {
  const pinned = new Map(run.segments.map((segment) => [segment.name, segment.snapshotEtag]));
  // A segment a refresh run pinned no version of had no snapshot when the refresh was reported:
  // what is there now was written for another refresh.
  const unpinned =
    run.trigger === 'refresh' && snapshots.find((snapshot) => !pinned.get(snapshot.name));
  if (unpinned) {
    throw new RunFailure(
      'SnapshotChanged',
      `Segment ${quoteForMessage(unpinned.name)} had no snapshot when the refresh was reported; report the refresh that wrote it.`,
    );
  }
  const changed = snapshots.find(
    (snapshot) =>
      pinned.get(snapshot.name) !== undefined && pinned.get(snapshot.name) !== snapshot.etag,
  );
  if (changed) {
    // A refresh run pins the versions of the reported refresh when it is requested: a later
    // rewrite belongs to another refresh, and mixing the two would send neither.
    const when =
      run.trigger === 'refresh'
        ? 'after the refresh was reported'
        : 'while the run was being planned again';
    throw new RunFailure(
      'SnapshotChanged',
      `Segment ${quoteForMessage(changed.name)} changed ${when}; request a new run.`,
    );
  }
  if (snapshots.every((snapshot) => pinned.get(snapshot.name) === snapshot.etag)) return;
  const etags = new Map(snapshots.map((snapshot) => [snapshot.name, snapshot.etag]));
  const segments = run.segments.map((segment) => ({
    ...segment,
    snapshotEtag: etags.get(segment.name),
  }));
  if (!(await deps.runs.save(tenantId, { ...run, segments }))) {
    throw new Error('The run changed while its snapshots were being recorded');
  }
}

/** A conditional read of a snapshot refused (412): the platform rewrote it meanwhile. */
function rewritten(error: unknown, segment: string): unknown {
  if (statusCodeOf(error) !== 412) return error;
  return new RunFailure(
    'SnapshotChanged',
    `Segment ${quoteForMessage(segment)} was rewritten while the run read it; request a new run.`,
  );
}

/** Members as they come, waiting between chunks while the rejections' upload is behind. */
async function* pacedBy<T>(members: AsyncIterable<T>, rejections: RejectionLog): AsyncGenerator<T> {
  for await (const chunk of members) {
    yield chunk;
    await rejections.drained();
  }
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
      recordRunFinished(ended);
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
