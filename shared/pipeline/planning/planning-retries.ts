import { IterableError } from '../../clients/iterable/iterable-error';
import { putBackDelaySeconds, sendQueueMessage } from '../../clients/queue-messages';
import { runQueueFor } from '../../runs/run-queues';
import { runMessageFormat, type RunMessage } from '../../runs/run-schemas';
import type { PipelineDeps } from '../pipeline-deps';

/** Planning is put back this many times (2 s doubling to 5 min, about 17 minutes in all). */
export const maxPlanningRetries = 8;
const planningBackoff = { baseSeconds: 2, maxSeconds: 300 };

/** The instance is planning other large segments: the run waits in the queue instead. */
export class PlannerBusy extends Error {
  constructor(readonly members: number) {
    super('This instance is planning other large segments');
  }
}

/** A busy instance's planning message comes back in 15 to 30 s, spread so instances take turns. */
export function busyDelaySeconds(): number {
  return Math.ceil(15 + Math.random() * 15);
}

/** Iterable throttling or failing for a while, which waiting may cure. */
export function transient(error: unknown): error is IterableError {
  return error instanceof IterableError && error.retryable;
}

/**
 * Puts a run whose planning met a passing failure back in the queue with a delay, rather than
 * failing it or spending the queue's few quick redeliveries on an outage.
 */
export async function planLater(deps: PipelineDeps, message: RunMessage, error: IterableError) {
  const attempt = (message.attempt ?? 0) + 1;
  const delaySeconds = putBackDelaySeconds(attempt - 1, planningBackoff, error.retryAfterMs);
  await putBack(deps, message, {
    attempt,
    delaySeconds,
    why: 'Run planning put back: Iterable failed for now',
    properties: { reason: error.message },
  });
}

/**
 * Makes a run being planned `queued` again and sends its message back after a delay, to the queue
 * the run started on (an on-demand run must not wait behind scheduled ones when it comes back).
 */
export async function putBack(
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
  await sendQueueMessage(runQueueFor(deps.runQueues, run), runMessageFormat, again, {
    delaySeconds: next.delaySeconds,
  });
}
