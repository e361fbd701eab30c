import { getAppServices } from './app-services';
import { runMessageFormat, type RunMessage } from '../runs/run-schemas';
import type { VersionedFormat } from '../schema-version';
import { sendBatch, notSentResult } from '../pipeline/sending/batch-sender';
import { batchMessageFormat, type BatchMessage } from '../pipeline/pipeline-messages';
import { readMessage } from './message-reader';
import { withLogContext, type LogFields } from '../log-context';
import { inSpan } from '../telemetry';
import { planRun } from '../pipeline/planning/run-planner';
import { endRun } from '../pipeline/ending/run-ending';
import { tryFinalizeRun } from '../pipeline/ending/run-finalizer';
import { poisonQueueName, queueNames } from '../storage-layout';

/** The queue triggers' service calls, each on a message read by `readMessage`. */
function parsed<T>(format: VersionedFormat<T>, message: unknown, queue: string): T | undefined {
  return readMessage(format, message, queue, getAppServices().pipeline.log);
}

/** The trigger's invocation, for the log lines of the work it does. */
export interface Invocation {
  invocationId: string;
  functionName: string;
  triggerMetadata?: Record<string, unknown>;
}

const contextOf = (invocation: Invocation, ids: LogFields): LogFields => ({
  invocationId: invocation.invocationId,
  operation: invocation.functionName,
  ...ids,
});

/** Reads a run message of `queue` and does `work` with it in the run's log context. */
async function withRunMessage(
  message: unknown,
  invocation: Invocation,
  queue: string,
  work: (run: RunMessage) => Promise<void>,
): Promise<void> {
  const run = parsed(runMessageFormat, message, queue);
  if (!run) return;
  const { tenantId, exportId, runId } = run;
  await withLogContext(contextOf(invocation, { tenantId, exportId, runId }), () => work(run));
}

/** Reads a batch message of `queue` and does `work` with it in the batch's log context. */
async function withBatchMessage(
  message: unknown,
  invocation: Invocation,
  queue: string,
  work: (batch: BatchMessage) => Promise<void>,
): Promise<void> {
  const batch = parsed(batchMessageFormat, message, queue);
  if (!batch) return;
  const { tenantId, exportId, runId } = batch;
  await withLogContext(
    contextOf(invocation, { tenantId, exportId, runId, batch: batch.batch }),
    () => work(batch),
  );
}

/** A run message of `queue` (export-runs or export-runs-on-demand): the run is planned. */
async function planRunMessage(
  message: unknown,
  invocation: Invocation,
  queue: string,
): Promise<void> {
  await withRunMessage(message, invocation, queue, (run) => {
    const { tenantId, exportId, runId } = run;
    return inSpan(
      'plan run',
      { traceparent: run.traceparent, attributes: { tenantId, exportId, runId } },
      () =>
        planRun(
          getAppServices().pipeline,
          run,
          Number(invocation.triggerMetadata?.dequeueCount ?? 1),
        ),
    );
  });
}

/** Queue export-runs: scheduled and refresh runs. */
export async function onRunMessage(message: unknown, invocation: Invocation): Promise<void> {
  await planRunMessage(message, invocation, queueNames.exportRuns);
}

/** Queue export-runs-on-demand: runs requested through the API, read by a listener of its own. */
export async function onOnDemandRunMessage(
  message: unknown,
  invocation: Invocation,
): Promise<void> {
  await planRunMessage(message, invocation, queueNames.exportRunsOnDemand);
}

/** A batch message of `queue` (export-batches or export-batches-express): the batch is sent. */
async function sendBatchMessage(
  message: unknown,
  invocation: Invocation,
  queue: string,
): Promise<void> {
  await withBatchMessage(message, invocation, queue, (batch) => {
    const { tenantId, exportId, runId, size, attempt } = batch;
    return inSpan(
      'send batch',
      {
        traceparent: batch.traceparent,
        attributes: { tenantId, exportId, runId, batch: batch.batch, size, attempt },
      },
      () => sendBatch(getAppServices().pipeline, batch),
    );
  });
}

/** Queue export-batches: a run's batches after its first few. */
export async function onBatchMessage(message: unknown, invocation: Invocation): Promise<void> {
  await sendBatchMessage(message, invocation, queueNames.exportBatches);
}

/** Queue export-batches-express: the first few batches of every run, read by a listener of its own. */
export async function onExpressBatchMessage(
  message: unknown,
  invocation: Invocation,
): Promise<void> {
  await sendBatchMessage(message, invocation, queueNames.exportBatchesExpress);
}

/** A run whose planning failed five times ends as failed, so nobody waits for it. */
async function failPoisonRun(message: unknown, invocation: Invocation, queue: string) {
  await withRunMessage(message, invocation, queue, async (run) => {
    getAppServices().pipeline.log.error('Run planning failed repeatedly; the run fails', {});
    await endRun(getAppServices().pipeline, run.tenantId, run.exportId, run.runId, 'failed', {
      code: 'PlanningFailed',
      message: 'Planning the run failed repeatedly; see the logs for the run id.',
    });
  });
}

/** Queue export-runs-poison. */
export async function onPoisonRunMessage(message: unknown, invocation: Invocation): Promise<void> {
  await failPoisonRun(message, invocation, poisonQueueName(queueNames.exportRuns));
}

/** Queue export-runs-on-demand-poison. */
export async function onPoisonOnDemandRunMessage(
  message: unknown,
  invocation: Invocation,
): Promise<void> {
  await failPoisonRun(message, invocation, poisonQueueName(queueNames.exportRunsOnDemand));
}

/** A batch that failed five times counts as failed, so its run still finalizes. */
export async function onPoisonBatchMessage(
  message: unknown,
  invocation: Invocation,
): Promise<void> {
  const queue = poisonQueueName(queueNames.exportBatches);
  await withBatchMessage(message, invocation, queue, recordPoisonBatch);
}

/** Queue export-batches-express-poison: the same for a batch of the express queue. */
export async function onPoisonExpressBatchMessage(
  message: unknown,
  invocation: Invocation,
): Promise<void> {
  const queue = poisonQueueName(queueNames.exportBatchesExpress);
  await withBatchMessage(message, invocation, queue, recordPoisonBatch);
}

async function recordPoisonBatch(batch: BatchMessage): Promise<void> {
  const deps = getAppServices().pipeline;
  deps.log.error('Batch failed repeatedly; its members count as failed', { size: batch.size });
  await deps.progress.recordBatch(
    batch.tenantId,
    batch.exportId,
    batch.runId,
    batch.batch,
    notSentResult(batch),
  );
  await tryFinalizeRun(deps, batch.tenantId, batch.exportId, batch.runId);
}
