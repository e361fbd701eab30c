import type { Readable } from 'node:stream';
import { AppError } from '../../errors';
import { IterableError } from '../../clients/iterable/iterable-error';
import type { Run, RunMessage } from '../../runs/run-schemas';
import type { StoredRun } from '../../runs/run-store';
import type { ExportRecord } from '../../exports/export-store';
import type { SegmentSnapshot } from '../../segments/segment-catalog';
import { BatchWriter } from './batch-writer';
import type { StatePointer } from '../../state/state-pointer';
import { resolveExportLists } from '../../state/export-lists';
import type { PipelineDeps } from '../pipeline-deps';
import { segmentMembers } from '../../snapshot/segment-members';
import { pacedBy, RejectionLog } from '../run-rejections';
import { readSnapshotRows } from '../../snapshot/snapshot-rows';
import type { PlanningLease } from './planning-budget';
import { membersPlannedAtOnce, planningPartitions, planSegment } from '../../state/segment-plan';
import { recordSnapshotRejections } from '../../telemetry';
import { removalsPossible, type SegmentRemovals } from './removal-guard';
import { releaseRun, settlePlan } from './plan-settlement';
import { RemovalSafety } from './removal-safety';
import { quoteForMessage } from '../../quote-for-message';
import { maxPlanningRetries, planLater, PlannerBusy, putBack, transient } from './planning-retries';
import { rewritten, RunFailure, segmentPlanningFailure } from './run-failure';
import { endRun } from '../ending/run-ending';
import { pinSnapshots } from './snapshot-pins';

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
        throw segmentPlanningFailure(error, snapshot.name);
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

  await settlePlan(deps, message, run, {
    batchCount,
    counts: { ...totals, rejected: rejections.count, failed: 0 },
    segments,
    removals,
    safety,
    held: writer.held,
  });
}
