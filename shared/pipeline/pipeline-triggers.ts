import type { z } from 'zod';
import { getAppServices } from '../app-services';
import { RunMessageSchema } from '../runs/run-schemas';
import { sendBatch, notSentResult } from './batch-sender';
import { BatchMessageSchema } from './pipeline-messages';
import { endRun, planRun } from './run-planner';
import { tryFinalizeRun } from './run-finalizer';

/**
 * The queue triggers' service calls. A message that does not parse can never succeed: it is
 * logged and completed instead of being retried into the poison queue.
 */
function parsed<T>(schema: z.ZodType<T>, message: unknown, queue: string): T | undefined {
  const result = schema.safeParse(message);
  if (!result.success) {
    getAppServices().pipeline.log.error('Dropped a message that is not valid', {
      queue,
      issues: result.error.issues.length,
    });
    return undefined;
  }
  return result.data;
}

export async function onRunMessage(message: unknown): Promise<void> {
  const run = parsed(RunMessageSchema, message, 'export-runs');
  if (run) await planRun(getAppServices().pipeline, run);
}

export async function onBatchMessage(message: unknown): Promise<void> {
  const batch = parsed(BatchMessageSchema, message, 'export-batches');
  if (batch) await sendBatch(getAppServices().pipeline, batch);
}

/** A run whose planning failed five times ends as failed, so nobody waits for it. */
export async function onPoisonRunMessage(message: unknown): Promise<void> {
  const run = parsed(RunMessageSchema, message, 'export-runs-poison');
  if (!run) return;
  await endRun(getAppServices().pipeline, run.tenantId, run.exportId, run.runId, 'failed', {
    code: 'PlanningFailed',
    message: 'Planning the run failed repeatedly; see the logs for the run id.',
  });
}

/** A batch that failed five times counts as failed, so its run still finalizes. */
export async function onPoisonBatchMessage(message: unknown): Promise<void> {
  const batch = parsed(BatchMessageSchema, message, 'export-batches-poison');
  if (!batch) return;
  const deps = getAppServices().pipeline;
  await deps.progress.recordBatch(
    batch.tenantId,
    batch.exportId,
    batch.runId,
    batch.batch,
    notSentResult(batch),
  );
  await tryFinalizeRun(deps, batch.tenantId, batch.exportId, batch.runId);
}
