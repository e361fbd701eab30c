import { IterableError } from '../../clients/iterable/iterable-error';
import { activeStatuses } from '../../runs/run-schemas';
import { batchEmails, failureListFormat, readBatchBody } from './batch-blobs';
import { failuresBlobName } from '../../work-blobs';
import { batchMessageFormat, type BatchMessage } from '../pipeline-messages';
import { putBackDelaySeconds, sendQueueMessage } from '../../clients/queue-messages';
import type { PipelineDeps } from '../pipeline-deps';
import { reportIfKeyRefused } from '../refused-key';
import type { BatchResult } from '../run-progress';
import { tryFinalizeRun } from '../ending/run-finalizer';
import { sendingContext } from './sending-context';
import { RunCheckFailed, RunEndedWhileWaiting, runStillActive } from './run-still-active';
import { recordBatchDone } from '../../telemetry';

/** Put a throttled batch back at most this often before counting it failed. */
const maxRequeues = 12;
const requeueBackoff = { baseSeconds: 2, maxSeconds: 300 };

/**
 * Queue export-batches: sends one batch to Iterable and records what Iterable confirmed. A
 * throttled or transient failure puts the batch back with a delay (a new message, so the queue's
 * dequeue count is not spent on Iterable's bad minutes); other failures and refused members are
 * recorded. A batch whose result is already recorded is not sent again.
 */
export async function sendBatch(deps: PipelineDeps, message: BatchMessage): Promise<void> {
  const { tenantId, exportId, runId, batch } = message;
  const started = performance.now();
  const runReadAt = Date.now();
  const run = await deps.runs.get(tenantId, exportId, runId);
  if (!run) return;
  let result: BatchResult;
  if (await deps.progress.batchRecorded(tenantId, exportId, runId, batch)) {
    // An earlier delivery recorded it (and may have died before marking it done): count it once.
    result = notSentResult(message);
  } else if (!activeStatuses.has(run.status)) {
    // Cancelled or failed: nothing more is sent; the members count as not sent.
    result = notSentResult(message);
  } else {
    const body = await readBatchBody(deps, tenantId, runId, batch);
    try {
      result = await send(deps, message, body, runReadAt);
    } catch (error) {
      // Neither sent nor refused: the queue delivers the batch again.
      if (error instanceof RunCheckFailed) throw error;
      if (error instanceof IterableError && error.retryable && message.attempt < maxRequeues) {
        await requeue(deps, message, error.retryAfterMs);
        return;
      }
      await reportIfKeyRefused(deps, message, error);
      result = notSentResult(message);
      // Cancelled while the batch waited: as a batch of an ended run, nothing is a failure.
      if (!(error instanceof RunEndedWhileWaiting)) {
        deps.log.error('A batch failed', {
          runId,
          batch,
          reason: error instanceof Error ? error.message : String(error),
        });
        await saveFailures(
          deps,
          message,
          batchEmails(message, body).map((email) => ({ email, reason: 'batchFailed' })),
        );
      }
    }
  }
  const marks = await deps.progress.recordBatch(tenantId, exportId, runId, batch, result);
  const { hasFailures: _hasFailures, ...counts } = result;
  recordBatchDone(result);
  deps.log.info('Batch done', {
    ...counts,
    size: message.size,
    attempt: message.attempt,
    durationMs: Math.round(performance.now() - started),
  });
  // Only a batch that may be the last one looks further: one whose share of the completion
  // marks is full, or any batch while the planner has not yet said how many there are.
  if (
    run.status !== 'running' ||
    run.batchCount === undefined ||
    marks.shardComplete(run.batchCount)
  )
    await tryFinalizeRun(deps, tenantId, exportId, runId);
}

async function send(
  deps: PipelineDeps,
  message: BatchMessage,
  body: string,
  runReadAt: number,
): Promise<BatchResult> {
  const { iterable } = await sendingContext(deps, message.tenantId, message.exportId);
  const options = {
    listCreatedAt: message.listCreatedAt,
    beforeAttempt: runStillActive(deps, message, runReadAt),
  };
  const outcome =
    message.kind === 'subscribe'
      ? await iterable.subscribeJson(message.listId, body, options)
      : await iterable.unsubscribe(message.listId, batchEmails(message, body), options);
  const refused = new Set(outcome.failures.map((failure) => failure.email.toLowerCase()));
  if (outcome.failures.length) await saveFailures(deps, message, outcome.failures);
  const base = {
    kind: message.kind,
    segment: message.segment,
    rejected: refused.size,
    failed: 0,
    hasFailures: refused.size > 0,
  };
  if (message.kind === 'unsubscribe') {
    return {
      ...base,
      succeeded: outcome.successCount,
      added: 0,
      updated: 0,
      removed: message.size - refused.size,
    };
  }
  const changes = message.changes ?? '';
  // Without refusals the counts come from the message; with them, member by member.
  const emails = refused.size ? batchEmails(message, body) : [];
  let added = 0;
  let updated = 0;
  for (let index = 0; index < changes.length; index++) {
    if (refused.size && refused.has(emails[index] ?? '')) continue;
    if (changes[index] === 'a') added++;
    else if (changes[index] === 'u') updated++;
  }
  return { ...base, succeeded: outcome.successCount, added, updated, removed: 0 };
}

/** A batch none of whose members were sent (or confirmed): all of them count as failed. */
export function notSentResult(batch: Pick<BatchMessage, 'kind' | 'segment' | 'size'>): BatchResult {
  return {
    kind: batch.kind,
    segment: batch.segment,
    succeeded: 0,
    rejected: 0,
    failed: batch.size,
    added: 0,
    updated: 0,
    removed: 0,
    hasFailures: true,
  };
}

async function saveFailures(
  deps: PipelineDeps,
  message: BatchMessage,
  failures: { email: string; reason: string }[],
) {
  const body = JSON.stringify(failures);
  const blob = deps.work.getBlockBlobClient(
    failuresBlobName(message.tenantId, message.runId, message.batch),
  );
  await blob.upload(body, Buffer.byteLength(body), { metadata: failureListFormat.metadata() });
}

async function requeue(
  deps: PipelineDeps,
  message: BatchMessage,
  retryAfterMs: number | undefined,
) {
  await sendQueueMessage(
    deps.batchQueue,
    batchMessageFormat,
    { ...message, attempt: message.attempt + 1 },
    { delaySeconds: putBackDelaySeconds(message.attempt, requeueBackoff, retryAfterMs) },
  );
}
