import { setImmediate as nextTurn } from 'node:timers/promises';
import { IterableError } from '../../clients/iterable/iterable-error';
import { isPassingAzureFailure } from '../../clients/azure-errors';
import { activeStatuses } from '../../runs/run-schemas';
import { batchEmails, failureListFormat, readBatchBody } from './batch-blobs';
import { failuresBlobName } from '../../work-blobs';
import { batchMessageFormat, type BatchMessage } from '../pipeline-messages';
import { putBackDelaySeconds, sendQueueMessage } from '../../clients/queue-messages';
import type { PipelineDeps } from '../pipeline-deps';
import { batchQueueFor } from '../batch-queues';
import { reportIfKeyRefused } from '../refused-key';
import type { BatchResult } from '../run-progress';
import { tryFinalizeRun } from '../ending/run-finalizer';
import { sendingContext, type SendingContext } from './sending-context';
import { putBack, takeSlot, waitForSlot, type Slot } from './batch-slots';
import { flowNumbers } from '../../flow-control/flow-numbers';
import type { SendOutcome } from '../../flow-control/key-gates';
import { RunCheckFailed, RunEndedWhileWaiting, runStillActive } from './run-still-active';
import { recordBatchDone } from '../../telemetry';

/** Put a throttled batch back at most this often before counting it failed. */
const maxRequeues = 12;
const requeueBackoff = { baseSeconds: 2, maxSeconds: 300 };
/**
 * How long before its slot a batch makes its last reads (its run, its gate), together: under
 * load a storage read takes tens of ms, and a read that ends after the slot makes the send late.
 */
const readAheadMs = 150;
/**
 * A batch paced against a limit that wakes this much after its slot books again instead of
 * sending: slots are 1/(0.95 R) apart, so any R + 1 of them span 1/0.95 s, and a request that
 * reaches Iterable more than that 5% of a second (52 ms) late could make R + 1 in one second with
 * the next ones. Half of it is for waking late, the other half for the request's way there.
 */
const lateAfterMs = Math.floor((1000 * (1 / flowNumbers.ceilingShare - 1)) / 2);
/**
 * How old a gate read may be for a batch of a key far from any limit (slow start, no ceiling): a
 * 429 met by another instance is seen this much later at most, and an uncapped run that sends as
 * fast as it can makes no read of its gate per batch.
 */
const farFromLimitGateAgeMs = 1000;
/** A batch that wakes late this many times (its instance overloaded) goes back to the queue. */
const maxLateWakes = 3;

/**
 * Queue export-batches: sends one batch to Iterable and records what Iterable confirmed. The batch
 * first takes a send slot at its key's gate (batch-slots.ts); without one in a moment it goes back
 * to the queue for later. A throttled or transient failure is told to the gate and puts the batch
 * back with a delay (a new message, so the queue's dequeue count is not spent on Iterable's bad
 * minutes); other failures and refused members are recorded. A batch whose result is already
 * recorded is not sent again.
 */
export async function sendBatch(deps: PipelineDeps, message: BatchMessage): Promise<void> {
  const { tenantId, exportId, runId, batch } = message;
  const started = performance.now();
  const runReadAt = Date.now();
  const [run, recorded] = await Promise.all([
    deps.runs.get(tenantId, exportId, runId),
    deps.progress.batchRecorded(tenantId, exportId, runId, batch),
  ]);
  if (!run) return;
  let result: BatchResult;
  if (recorded) {
    // An earlier delivery recorded it (and may have died before marking it done): count it once.
    result = notSentResult(message);
  } else if (!activeStatuses.has(run.status)) {
    // Cancelled or failed: nothing more is sent; the members count as not sent.
    result = notSentResult(message);
  } else {
    const sent = await trySend(deps, message, runReadAt);
    // Put back, for its slot or after a failure: nothing to record yet.
    if (!sent) return;
    result = sent;
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

/** The batch's result, or undefined when it was put back (for its slot, or after a failure). */
async function trySend(
  deps: PipelineDeps,
  message: BatchMessage,
  runReadAt: number,
  /** How many of its slots this delivery woke too late for. */
  lateWakes = 0,
): Promise<BatchResult | undefined> {
  let context: SendingContext;
  try {
    context = await sendingContext(deps, message.tenantId, message.exportId, message.runId);
  } catch (error) {
    // Storage or Key Vault out for a while: the queue delivers the batch again.
    if (isPassingAzureFailure(error)) throw error;
    return notSent(deps, message, error);
  }
  const slot = await takeSlot(deps, message, context.gate);
  if (!slot) return undefined;
  const body = await readBatchBody(deps, message.tenantId, message.runId, message.batch);
  const runCheck = runStillActive(deps, message, runReadAt);
  // The reads before a send happen just before its slot: a send delayed by a read crowds the next.
  await waitForSlot({ ...slot, at: slot.at - readAheadMs });
  const [run, gate] = await Promise.allSettled([
    runCheck(),
    deps.flow.holds(context.gate, slot.epoch, slot.nearLimit ? undefined : farFromLimitGateAgeMs),
  ]);
  if (run.status === 'rejected') {
    if (run.reason instanceof RunCheckFailed) throw run.reason;
    return notSent(deps, message, run.reason, body);
  }
  if (gate.status === 'rejected') throw gate.reason;
  await waitForSlot(slot);
  // Timers run before the answers that came in meanwhile are read: a 429 among them, seen only
  // after this batch had gone out too, would have voided its slot. They are read first.
  await nextTurn();
  // A 429 voided the slot meanwhile: sent anyway, it would only meet another 429.
  if (!gate.value || deps.flow.voidedHere(context.gate, slot.epoch)) {
    return trySend(deps, message, runReadAt, lateWakes);
  }
  // Woken well after its slot (the instance stalled): sent now, it would go out together with
  // the batches that woke with it and crowd Iterable's window. It books again instead, and goes
  // back to the queue when its instance keeps it waiting again and again.
  if (slot.nearLimit && Date.now() - slot.at > lateAfterMs) {
    if (lateWakes + 1 >= maxLateWakes) {
      await putBack(deps, message, 1);
      return undefined;
    }
    return trySend(deps, message, runReadAt, lateWakes + 1);
  }
  try {
    const result = await send(deps, context, message, body, runCheck);
    await reportSent(deps, context, slot);
    return result;
  } catch (error) {
    // Neither sent nor refused: the queue delivers the batch again.
    if (error instanceof RunCheckFailed) throw error;
    if (error instanceof IterableError && error.retryable) {
      const outcome = outcomeOf(error, slot.at);
      const { circuitWasOpen } = await deps.flow.report(context.gate, slot.epoch, outcome);
      // A probe that found Iterable still down is no failure of the batch's own: it waits out
      // the outage at one probe a second per key, however long that is.
      if (circuitWasOpen || message.attempt < maxRequeues) {
        await requeue(deps, message, error.retryAfterMs, circuitWasOpen ? 0 : 1);
        return undefined;
      }
    } else if (error instanceof IterableError) {
      // An answer, even a refusal, says Iterable is up.
      await reportSent(deps, context, slot);
    }
    return notSent(deps, message, error, body);
  }
}

/**
 * Tells the gate a request was answered. The batch is sent whatever happens here: a gate that
 * cannot be written now (storage failing) only misses one success, which at worst leaves a run of
 * failures counted one longer, so the error is logged and the batch's result still recorded.
 */
async function reportSent(deps: PipelineDeps, context: SendingContext, slot: Slot) {
  try {
    await deps.flow.report(context.gate, slot.epoch, { kind: 'succeeded' });
  } catch (error) {
    deps.log.warn('The flow-control gate could not be told of a sent batch', {
      reason: error instanceof Error ? error.message : String(error),
    });
  }
}

/** A batch that cannot be sent: its members count as failed, listed in its failure list. */
async function notSent(
  deps: PipelineDeps,
  message: BatchMessage,
  error: unknown,
  body?: string,
): Promise<BatchResult> {
  await reportIfKeyRefused(deps, message, error);
  // Cancelled while the batch waited: as a batch of an ended run, nothing is a failure.
  if (!(error instanceof RunEndedWhileWaiting)) {
    deps.log.error('A batch failed', {
      runId: message.runId,
      batch: message.batch,
      reason: error instanceof Error ? error.message : String(error),
    });
    const members =
      body ?? (await readBatchBody(deps, message.tenantId, message.runId, message.batch));
    await saveFailures(
      deps,
      message,
      batchEmails(message, members).map((email) => ({ email, reason: 'batchFailed' })),
    );
  }
  return notSentResult(message);
}

async function send(
  deps: PipelineDeps,
  { iterable }: SendingContext,
  message: BatchMessage,
  body: string,
  runCheck: () => Promise<void>,
): Promise<BatchResult> {
  const options = { listCreatedAt: message.listCreatedAt, beforeAttempt: runCheck };
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
  // Each entry names its segment, so the run's rejections can say where a member came from.
  const body = JSON.stringify(
    failures.map((failure) => ({ ...failure, segment: message.segment })),
  );
  const blob = deps.work.getBlockBlobClient(
    failuresBlobName(message.tenantId, message.runId, message.batch),
  );
  await blob.upload(body, Buffer.byteLength(body), { metadata: failureListFormat.metadata() });
}

function outcomeOf(error: IterableError, slotAt: number): SendOutcome {
  return error.kind === 'throttled'
    ? { kind: 'throttled', retryAfterMs: error.retryAfterMs, slotAt }
    : { kind: 'failed' };
}

/** Puts the batch back after a failure: it books a new slot when it returns. */
async function requeue(
  deps: PipelineDeps,
  message: BatchMessage,
  retryAfterMs: number | undefined,
  counted: 0 | 1,
) {
  await sendQueueMessage(
    batchQueueFor(deps.batchQueue, message),
    batchMessageFormat,
    { ...message, attempt: message.attempt + counted },
    { delaySeconds: putBackDelaySeconds(message.attempt, requeueBackoff, retryAfterMs) },
  );
}
