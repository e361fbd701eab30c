import { activeStatuses } from '../../runs/run-schemas';
import type { PipelineDeps } from '../pipeline-deps';

/** The run ended (cancelled, by a person or the connection's kill switch) while a batch waited. */
export class RunEndedWhileWaiting extends Error {
  constructor(readonly status: string) {
    super(`The run is ${status}; the batch was not sent`);
  }
}

/**
 * The run could not be read to check it (storage failed): the batch must neither be sent nor
 * counted failed. Thrown on, the invocation fails and the queue delivers the batch again.
 */
export class RunCheckFailed extends Error {
  constructor(cause: unknown) {
    super('The run could not be read before sending the batch', { cause });
  }
}

/** A batch that waited less than this since its run was read goes on without reading it again. */
const freshForMs = 1000;

/**
 * The check a batch makes before each request to Iterable. A capped or throttled connection makes
 * batches wait in the rate limiter or between retries, for seconds: one whose run was cancelled
 * meanwhile must not be sent. A batch that did not wait costs no read.
 */
export function runStillActive(
  deps: Pick<PipelineDeps, 'runs'>,
  run: { tenantId: string; exportId: string; runId: string },
  /** When the batch last read its run: before anything it did since (reading its body, its key). */
  runReadAt: number,
): () => Promise<void> {
  let readAt = runReadAt;
  return async () => {
    if (Date.now() - readAt < freshForMs) return;
    const started = Date.now();
    let current;
    try {
      current = await deps.runs.get(run.tenantId, run.exportId, run.runId);
    } catch (error) {
      throw new RunCheckFailed(error);
    }
    readAt = started;
    const status = current?.status ?? 'deleted';
    if (!current || !activeStatuses.has(current.status)) throw new RunEndedWhileWaiting(status);
  };
}
