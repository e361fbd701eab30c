import { sendQueueMessage } from '../../clients/queue-messages';
import { runQueueFor } from '../../runs/run-queues';
import { runMessageFormat, type RunMessage } from '../../runs/run-schemas';
import type { StoredRun } from '../../runs/run-store';
import type { ResolvedList } from '../../state/export-lists';
import { planPartitionGroup } from '../../state/spilled-plan';
import { removeSpilled } from '../../state/spill-blobs';
import { endRun } from '../ending/run-ending';
import type { PipelineDeps } from '../pipeline-deps';
import { BatchWriter } from './batch-writer';
import type { CheckpointSegment, PlanCheckpoint } from './plan-checkpoint';
import { settlePlan } from './plan-settlement';
import { busyDelaySeconds, PlannerBusy } from './planning-retries';
import { RemovalSafety } from './removal-safety';
import { failRunOn } from './run-failure';
import { RunPlanTally } from './run-plan-tally';
import type { PlannedSegment } from './segment-planning';
import { spillPlaces } from './spill-places';
import { keepAlive, sendStep, sendWatch } from './plan-step-watch';

/** What the first step records of a segment it planned (in memory) or spilled (to plan in steps). */
export function checkpointSegment(
  snapshot: { name: string; etag: string },
  list: ResolvedList,
  index: number,
  planned: PlannedSegment,
): CheckpointSegment {
  const damage = planned.evidence.damage();
  const { plan, staged } = planned;
  return {
    name: snapshot.name,
    index,
    list: { listId: list.listId, createdAt: list.createdAt, fresh: list.fresh },
    snapshotEtag: snapshot.etag,
    counts: { ...plan.counts },
    previousSize: plan.previousSize,
    removing: planned.removing,
    rejected: planned.rejected,
    parts: plan.parts,
    evidence: { counts: { ...planned.evidence.tally.counts }, ...(damage ? { damage } : {}) },
    ...(staged
      ? {
          staged: {
            groups: staged.groups,
            done: 0,
            blocks: [],
            members: 0,
            options: staged.options,
          },
        }
      : {}),
  };
}

/**
 * The first step read every snapshot and spilled the segments too large for memory: it saves the
 * checkpoint and sends the first of the steps that plan their groups. A planner that took the run
 * over from a dead one and finds a checkpoint already saved leaves the steps to it.
 */
export async function startPlanSteps(
  deps: PipelineDeps,
  message: RunMessage,
  run: StoredRun,
  first: Omit<PlanCheckpoint, 'step' | 'steps'>,
): Promise<void> {
  const steps = first.segments.reduce(
    (sum, segment) => sum + (segment.staged?.groups.length ?? 0),
    0,
  );
  const checkpoint: PlanCheckpoint = { step: 0, steps, ...first };
  if (!(await deps.checkpoints.save(message.tenantId, message.runId, checkpoint, undefined)))
    return;
  deps.log.info('Run planning continues in steps', { steps, batchCount: first.batchCount });
  await sendStep(deps, message, run, 1);
}

/**
 * One step of a plan too large for memory: plans the next group of partitions of a spilled
 * segment (its adds and updates are sent at once, its removals held while the guard may stop
 * them), stages its part of the run's state and moves the checkpoint on. The last step commits
 * the state and settles the plan. A step delivered again after its planner died starts over from
 * the checkpoint; one whose work was saved only sends the next step, or settles, again.
 */
export async function planStep(
  deps: PipelineDeps,
  message: RunMessage,
  dequeueCount: number,
): Promise<void> {
  const { tenantId, exportId, runId } = message;
  const step = message.step ?? 1;
  const run = await deps.runs.get(tenantId, exportId, runId);
  if (!run || run.status !== 'planning') return; // cancelled, or settled already
  const stored = await deps.checkpoints.load(tenantId, runId);
  if (!stored) {
    deps.log.warn('Plan step without a checkpoint left alone', { step });
    return;
  }
  const { checkpoint, etag } = stored;
  if (checkpoint.step >= step) {
    // Done already: its planner died after saving, before it sent the next step or settled.
    if (checkpoint.step === checkpoint.steps) await settleSteps(deps, message, run, checkpoint);
    else if (dequeueCount > 1 && checkpoint.step === step)
      await sendStep(deps, message, run, step + 1);
    return;
  }
  if (checkpoint.step !== step - 1) return; // not a step this plan sent
  await sendWatch(deps, message, run, step);
  const stopShowingLife = keepAlive(deps, message, step);
  try {
    if (!(await planGroup(deps, message, run, stored.checkpoint, etag))) return;
  } catch (error) {
    if (error instanceof PlannerBusy) {
      deps.log.warn('Plan step put back: this instance is planning other large segments', {
        step,
        members: error.members,
      });
      await sendQueueMessage(runQueueFor(deps.runQueues, run), runMessageFormat, message, {
        delaySeconds: busyDelaySeconds(),
      });
      return;
    }
    if (!(await failRunOn(deps, message, error))) throw error;
  } finally {
    await stopShowingLife();
  }
  if (checkpoint.step < checkpoint.steps) await sendStep(deps, message, run, step + 1);
  else await settleSteps(deps, message, run, checkpoint);
}

/** Plans the checkpoint's next group and saves the checkpoint; false if another did it first. */
async function planGroup(
  deps: PipelineDeps,
  message: RunMessage,
  run: StoredRun,
  checkpoint: PlanCheckpoint,
  etag: string,
): Promise<boolean> {
  const { tenantId, exportId, runId } = message;
  const ids = { tenantId, exportId, runId };
  const segment = checkpoint.segments.find(
    (candidate) => candidate.staged && candidate.staged.done < candidate.staged.groups.length,
  )!;
  const staged = segment.staged!;
  const group = staged.groups[staged.done]!;
  const lease = deps.planningBudget.lease();
  try {
    if (!(await lease.hold(group.lines))) throw new PlannerBusy(group.lines);
    const writer = new BatchWriter(
      deps.work,
      deps.batchQueue,
      ids,
      checkpoint.writerMode === 'hold' ? 'holdRemovals' : checkpoint.writerMode,
      checkpoint.batchCount,
    );
    const target = {
      segment: segment.name,
      listId: segment.list.listId,
      listCreatedAt: segment.list.createdAt,
    };
    const next = run.dryRun
      ? undefined
      : deps.state.openStagedRunState(tenantId, exportId, runId, segment.name, staged.done);
    const spill = spillPlaces(deps.work, ids, segment.index);
    const removed = await planPartitionGroup(
      {
        options: staged.options,
        spill,
        subscribe: (member, change) => writer.subscribe(target, member, change),
        unsubscribe: (emails) => writer.unsubscribe(target, emails),
        next,
      },
      group.partitions,
      segment.counts,
    );
    await next?.close();
    checkpoint.batchCount = await writer.close();
    checkpoint.held.push(...writer.held);
    segment.removing += removed;
    staged.done++;
    staged.blocks.push(...(next?.blocks ?? []));
    staged.members += next?.members ?? 0;
    checkpoint.step++;
    if (next && staged.done === staged.groups.length) {
      await deps.state.commitStagedRunState(
        tenantId,
        exportId,
        runId,
        segment.name,
        staged.blocks,
        staged.members,
      );
    }
    if (!(await deps.checkpoints.save(tenantId, runId, checkpoint, etag))) return false;
    deps.log.info('Plan step finished', {
      step: checkpoint.step,
      steps: checkpoint.steps,
      segment: segment.name,
      members: group.lines,
      heapUsedMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    });
    // Read by no later step: the group's partitions go now rather than with the run.
    await Promise.all([
      removeSpilled(spill.members, group.partitions),
      removeSpilled(spill.state, group.partitions),
    ]).catch((error: unknown) =>
      deps.log.warn('Spilled partitions left for retention', { reason: String(error) }),
    );
    return true;
  } finally {
    lease.release();
  }
}

/**
 * Once every group is planned: the guard weighs the whole plan's removals (held until now) with
 * each segment's evidence as the first step judged it, and the plan settles as a plan in one
 * invocation does. Settling again after a crash changes nothing settled.
 */
async function settleSteps(
  deps: PipelineDeps,
  message: RunMessage,
  run: StoredRun,
  checkpoint: PlanCheckpoint,
): Promise<void> {
  const { tenantId, exportId, runId } = message;
  const exportRecord = await deps.exports.get(tenantId, exportId);
  if (!exportRecord) {
    await endRun(deps, tenantId, exportId, runId, 'failed', {
      code: 'ExportNotFound',
      message: 'The export was deleted.',
    });
    return;
  }
  const safety = await RemovalSafety.load(deps, { tenantId, exportId, runId }, exportRecord);
  const tally = new RunPlanTally(safety);
  for (const segment of checkpoint.segments) {
    safety.restore(segment.name, segment.evidence.counts, segment.evidence.damage);
    const plan = {
      counts: segment.counts,
      previousSize: segment.previousSize,
      parts: segment.parts,
    };
    tally.add({ name: segment.name, etag: segment.snapshotEtag }, segment.list, {
      plan,
      removing: segment.removing,
      rejected: segment.rejected,
    });
  }
  await settlePlan(deps, message, run, {
    batchCount: checkpoint.batchCount,
    counts: tally.counts(checkpoint.rejected),
    segments: tally.segments,
    removals: tally.removals,
    safety,
    held: checkpoint.held,
  });
}
