import { statusCodeOf } from '../../clients/azure-errors';
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
