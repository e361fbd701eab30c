import { statusCodeOf } from '../../clients/azure-errors';
import { AppError } from '../../errors';
import type { RunMessage } from '../../runs/run-schemas';
import { endRun } from '../ending/run-ending';
import type { PipelineDeps } from '../pipeline-deps';
import { quoteForMessage } from '../../quote-for-message';
import { SnapshotTooLargeError } from '../../snapshot/snapshot-limits';
import { SnapshotUnreadableError } from '../../snapshot/snapshot-rows';

/** A run that cannot go on for a reason the user can fix; the run fails with this message. */
export class RunFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A conditional read of a snapshot refused (412): the platform rewrote it meanwhile. */
export function rewritten(error: unknown, segment: string): unknown {
  if (statusCodeOf(error) !== 412) return error;
  return new RunFailure(
    'SnapshotChanged',
    `Segment ${quoteForMessage(segment)} was rewritten while the run read it; request a new run.`,
  );
}

/**
 * What planning a segment failed with, as the run should say it: which snapshot (a run may plan
 * several), a rewrite while it was read, or gzip that cannot be decompressed; anything else as it
 * came.
 */
export function segmentPlanningFailure(error: unknown, segmentName: string): unknown {
  const segment = quoteForMessage(segmentName);
  if (error instanceof SnapshotUnreadableError)
    return new SnapshotUnreadableError(`Segment ${segment}: ${error.message}`);
  if (error instanceof SnapshotTooLargeError)
    return new SnapshotTooLargeError(`Segment ${segment}: ${error.message}`);
  // The read is conditional on the planned version: a rewrite while it is read ends it.
  if (statusCodeOf(error) === 412) return rewritten(error, segmentName);
  // A damaged gzip stream ends the run with a clear error before anything is removed.
  if (
    typeof (error as { code?: unknown }).code === 'string' &&
    /^Z_/.test((error as { code: string }).code)
  )
    return new RunFailure(
      'SnapshotUnreadable',
      `Segment ${segment} could not be decompressed (gzip: ${(error as Error).message}); no one was removed.`,
    );
  return error;
}

/**
 * Ends the run as failed when planning it met a failure the user can act on (a RunFailure, or an
 * AppError such as a refused key), saying what it was; false for any other error, which the
 * queue's redelivery is left to cure.
 */
export async function failRunOn(
  deps: PipelineDeps,
  message: Pick<RunMessage, 'tenantId' | 'exportId' | 'runId'>,
  error: unknown,
): Promise<boolean> {
  if (!(error instanceof RunFailure || error instanceof AppError)) return false;
  await endRun(deps, message.tenantId, message.exportId, message.runId, 'failed', {
    code: error.code,
    message: error.message,
  });
  return true;
}
