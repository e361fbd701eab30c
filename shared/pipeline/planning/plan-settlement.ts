import type { Run, RunMessage } from '../../runs/run-schemas';
import type { StoredRun } from '../../runs/run-store';
import { recordRunFinished } from '../../telemetry';
import type { BatchMessage } from '../pipeline-messages';
import type { PipelineDeps } from '../pipeline-deps';
import { checkRemovals, type SegmentRemovals } from './removal-guard';
import type { RemovalSafety } from './removal-safety';
import { tryFinalizeRun } from '../ending/run-finalizer';

/** What planning every segment of a run came to. */
export interface PlannedSegments {
  batchCount: number;
  counts: Run['counts'];
  segments: Run['segments'];
  removals: SegmentRemovals[];
  safety: RemovalSafety;
  /** Batches written but not yet enqueued, while removals might need a person's confirmation. */
  held: BatchMessage[];
}

/**
 * Once every segment is planned: the run's warnings and removal baseline are saved, the guard
 * decides, and the run becomes `awaitingConfirmation` (its batches held), `succeeded` (a dry run)
 * or `running` (its batches sent). A run cancelled meanwhile is left as it is.
 */
export async function settlePlan(
  deps: PipelineDeps,
  message: RunMessage,
  run: StoredRun,
  plan: PlannedSegments,
): Promise<void> {
  const { tenantId, exportId, runId } = message;
  const warnings = plan.safety.warnings(run.dryRun);
  if (!run.dryRun) await plan.safety.save();
  const confirmation = run.dryRun
    ? undefined
    : checkRemovals(plan.removals, plan.safety.thresholds.guard);
  if (confirmation) await deps.held.save(tenantId, runId, plan.held);
  else await deps.held.release(plan.held);

  const current = (await deps.runs.get(tenantId, exportId, runId))!;
  if (current.status !== 'planning') return; // cancelled meanwhile: the batches see it and stop
  const planned: StoredRun = {
    ...current,
    status: run.dryRun ? 'succeeded' : confirmation ? 'awaitingConfirmation' : 'running',
    batchCount: plan.batchCount,
    counts: plan.counts,
    segments: plan.segments,
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
    deps.log.info('Dry run planned', { batchCount: plan.batchCount, counts: planned.counts });
    const finished = { ...planned, percentComplete: 100, finishedAt: new Date().toISOString() };
    if (await deps.runs.finish(tenantId, finished)) recordRunFinished(finished);
    return;
  }
  if (!(await deps.runs.save(tenantId, planned))) return;
  deps.log.info('Run planned', {
    batchCount: plan.batchCount,
    counts: planned.counts,
    heapUsedMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  });
  await tryFinalizeRun(deps, tenantId, exportId, runId);
}

/**
 * A run an Admin confirmed (now `running`): its held batches go on the queue. Sent again after a
 * crash, the batches are enqueued twice and counted once.
 */
export async function releaseRun(deps: PipelineDeps, message: RunMessage): Promise<void> {
  const { tenantId, exportId, runId } = message;
  const run = await deps.runs.get(tenantId, exportId, runId);
  if (!run || run.status !== 'running') return;
  // The Admin accepted these lists' new size: removals in steps are measured from it from now on.
  const confirmed = run.confirmation?.segments.map((segment) => segment.name) ?? [];
  if (confirmed.length) await deps.baselines.resetSizes(tenantId, exportId, confirmed);
  await deps.held.release(await deps.held.load(tenantId, runId));
  await tryFinalizeRun(deps, tenantId, exportId, runId);
}
