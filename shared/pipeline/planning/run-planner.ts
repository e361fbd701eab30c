import type { RunMessage } from '../../runs/run-schemas';
import type { StoredRun } from '../../runs/run-store';
import type { ExportRecord } from '../../exports/export-store';
import { BatchWriter } from './batch-writer';
import type { StatePointer } from '../../state/state-pointer';
import type { PipelineDeps } from '../pipeline-deps';
import { reportIfKeyRefused } from '../refused-key';
import { RejectionLog } from '../run-rejections';
import type { PlanningLease } from './planning-budget';
import { membersPlannedAtOnce } from '../../state/segment-plan';
import { recordSnapshotRejections } from '../../telemetry';
import { removalsPossible } from './removal-guard';
import { releaseRun, settlePlan } from './plan-settlement';
import { RemovalSafety } from './removal-safety';
import {
  busyDelaySeconds,
  maxPlanningRetries,
  planLater,
  PlannerBusy,
  putBack,
  transient,
} from './planning-retries';
import { failRunOn, RunFailure } from './run-failure';
import { copyLargeSnapshots, removeSnapshotCopies, type PlannedSnapshot } from './snapshot-copy';
import { planInputs, type PlanInputs } from './plan-inputs';
import { resolveRunLists } from './run-lists';
import { planOneSegment } from './segment-planning';
import { RunPlanTally } from './run-plan-tally';
import type { CheckpointSegment } from './plan-checkpoint';
import { checkpointSegment, planStep, startPlanSteps } from './plan-steps';
import { keepAlive, sendWatch, watchStep } from './plan-step-watch';

/**
 * Queues export-runs and export-runs-on-demand: turns a queued run into batches. It marks the run
 * `planning`, resolves the connection and one list per segment, streams each snapshot through the
 * delta plan into batch blobs (enqueued as they are written), records the plan's counts and marks
 * the run `running`.
 * A run that is no longer queued (cancelled, or a duplicate message) is left alone.
 */
export async function planRun(
  deps: PipelineDeps,
  message: RunMessage,
  /** How often the queue delivered this message: above 1, an earlier planner died or failed. */
  dequeueCount = 1,
): Promise<void> {
  if (message.action === 'release') return releaseRun(deps, message);
  if (message.action === 'step' && message.step !== 0) return planStep(deps, message, dequeueCount);
  if (message.action === 'watch') return watchStep(deps, message);
  // Step 0: the watch of a large plan's first invocation found its planner dead.
  const sentAgain = message.action === 'step';
  if (sentAgain) message = firstMessage(message);
  const { tenantId, exportId, runId } = message;
  const run = await deps.runs.get(tenantId, exportId, runId);
  if (!run) return;
  // A run still `planning` when its message comes back lost its planner: plan it again (the
  // same snapshots give the same batches, and a batch already recorded counts once). A second
  // message for a run being planned (dequeued once) is a duplicate and is left alone.
  const takeOver = run.status === 'planning' && (dequeueCount > 1 || sentAgain);
  if (run.status !== 'queued' && !takeOver) return;
  if (takeOver) {
    const stored = await deps.checkpoints.load(tenantId, runId);
    if (stored) {
      // A planner that died after its first step saved the checkpoint: the steps carry the plan
      // on, and the watch sends the next one if the dead planner did not.
      const step = stored.checkpoint.step;
      await watchStep(deps, { tenantId, exportId, runId, action: 'watch', step });
      return;
    }
  }
  const started: StoredRun = {
    ...run,
    status: 'planning',
    startedAt: run.startedAt ?? new Date().toISOString(),
  };
  if (!(await deps.runs.save(tenantId, started))) return;
  const planning = (await deps.runs.get(tenantId, exportId, runId))!;
  // Only a run planned before may have copies of its snapshots to read again.
  const plannedBefore = run.startedAt !== undefined;
  deps.log.info('Run planning started', {
    mode: run.mode,
    dryRun: run.dryRun,
    ...(takeOver ? { plannedAgain: true } : {}),
    ...(message.attempt ? { attempt: message.attempt } : {}),
  });
  try {
    await plan(deps, message, planning, plannedBefore);
  } catch (error) {
    if (error instanceof PlannerBusy) {
      // Not a failure: the attempt is not counted, and another instance may take the run.
      await putBack(deps, message, {
        attempt: message.attempt,
        delaySeconds: busyDelaySeconds(),
        why: 'Run planning put back: this instance is planning other large segments',
        properties: { members: error.members },
      });
      return;
    }
    if (transient(error) && (message.attempt ?? 0) < maxPlanningRetries) {
      await planLater(deps, message, error);
      return;
    }
    await reportIfKeyRefused(deps, message, error);
    if (!(await failRunOn(deps, message, error))) throw error;
  }
}

/** The run's first message, as a step 0 sent again by the watch stands for it. */
function firstMessage({ action: _action, step: _step, ...first }: RunMessage): RunMessage {
  return first;
}

async function plan(
  deps: PipelineDeps,
  message: RunMessage,
  run: StoredRun,
  plannedBefore: boolean,
): Promise<void> {
  const { tenantId, exportId } = message;
  const exportRecord = await deps.exports.get(tenantId, exportId);
  if (!exportRecord) throw new RunFailure('ExportNotFound', 'The export was deleted.');
  const { found, large, ...known } = await planInputs(
    deps,
    message,
    run,
    exportRecord,
    plannedBefore,
  );
  if (!large.some(Boolean)) return planFound(deps, message, run, exportRecord, found, known);
  // A plan expected to go in steps: its first invocation is watched as its steps are, so a
  // planner that dies reading the snapshots is replaced within seconds, not after the queue's
  // lease on its message.
  await sendWatch(deps, message, run, 0);
  const stopShowingLife = keepAlive(deps, message, 0);
  try {
    const snapshots = await copyLargeSnapshots(deps, message, found, large);
    await planFound(deps, message, run, exportRecord, snapshots, known);
  } finally {
    await stopShowingLife();
  }
}

/** Plans the run's segments from the snapshots found, within the planning budget. */
async function planFound(
  deps: PipelineDeps,
  message: RunMessage,
  run: StoredRun,
  exportRecord: ExportRecord,
  snapshots: PlannedSnapshot[],
  { pointer, previousMembers }: Pick<PlanInputs, 'pointer' | 'previousMembers'>,
): Promise<void> {
  // Segments are planned one after another: the largest sets what the run holds at once.
  const atOnce = Math.max(
    ...snapshots.map((snapshot) =>
      membersPlannedAtOnce(
        previousMembers.get(snapshot.name) ?? 0,
        snapshot,
        deps.planningLimits.membersInMemory,
      ),
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

/**
 * Plans the run's segments one by one, then records the plan and sends the run on its way:
 * resolve the lists, load the removal checks, write each segment's batches (held back while the
 * guard may stop them), save the lists and settle the plan.
 */
async function planSegments(
  deps: PipelineDeps,
  message: RunMessage,
  run: StoredRun,
  exportRecord: ExportRecord,
  snapshots: PlannedSnapshot[],
  known: Pick<PlanInputs, 'pointer' | 'previousMembers'> & { lease: PlanningLease },
): Promise<void> {
  const { tenantId, exportId, runId } = message;
  const ids = { tenantId, exportId, runId };
  const names = snapshots.map((snapshot) => snapshot.name);
  const { lists, stored } = await resolveRunLists(deps, ids, run, exportRecord, names);
  const safety = await RemovalSafety.load(deps, ids, exportRecord);
  const mode = writerMode(run, exportRecord, known.pointer, safety);
  const writer = new BatchWriter(deps.work, deps.batchQueue, ids, mode);
  const rejections = new RejectionLog(deps.work, { tenantId, runId });
  const planning = { ids, run, exportRecord, ...known, safety, writer, rejections };
  const tally = new RunPlanTally(safety);
  const records: CheckpointSegment[] = [];
  await untilRejectionsWritten(rejections, async () => {
    for (const [index, snapshot] of snapshots.entries()) {
      const list = lists.get(snapshot.name)!;
      if (!run.dryRun) stored[snapshot.name] = { listId: list.listId, createdAt: list.createdAt };
      const planned = await planOneSegment(deps, planning, snapshot, list, index);
      records.push(checkpointSegment(snapshot, list, index, planned));
      tally.add(snapshot, list, planned);
    }
  });
  const batchCount = await writer.close();
  if (!run.dryRun) await deps.lists.save(tenantId, exportId, stored);
  recordSnapshotRejections(rejections.count);

  if (records.some((record) => record.staged)) {
    // A segment too large for memory: its groups are planned in steps of their own.
    await startPlanSteps(deps, message, run, {
      batchCount,
      writerMode: mode,
      rejected: rejections.count,
      segments: records,
      held: writer.held,
    });
  } else {
    await settlePlan(deps, message, run, {
      batchCount,
      counts: tally.counts(rejections.count),
      segments: tally.segments,
      removals: tally.removals,
      safety,
      held: writer.held,
    });
  }
  // Every snapshot is read and what was read is saved: no planner reads the copies again.
  await removeSnapshotCopies(deps, ids, snapshots);
}

/**
 * Removals are known only once a snapshot is read: while they may trip the guard, batches are
 * written but held back, so nothing is sent before the plan is known to be safe.
 */
function writerMode(
  run: Pick<StoredRun, 'dryRun'>,
  exportRecord: Pick<ExportRecord, 'syncMode'>,
  pointer: StatePointer | undefined,
  safety: RemovalSafety,
): 'count' | 'hold' | 'send' {
  if (run.dryRun) return 'count';
  const hold = removalsPossible(
    exportRecord.syncMode,
    pointer !== undefined,
    safety.thresholds.guard,
  );
  return hold ? 'hold' : 'send';
}

/** Runs the planning, then commits the rejections read meanwhile; on failure none are written. */
async function untilRejectionsWritten(
  rejections: RejectionLog,
  planAll: () => Promise<void>,
): Promise<void> {
  try {
    await planAll();
    await rejections.close();
  } catch (error) {
    rejections.abort();
    throw error;
  }
}
