import { recordRunFinished } from '../telemetry';
import { activeStatuses, type Run } from './run-schemas';
import type { RunStore, StoredRun } from './run-store';

/** Which run, in whose partition. */
export interface RunRef {
  tenantId: string;
  exportId: string;
  runId: string;
}

/** How a run ends: its final status and, for a failure or a cancellation, why. */
export interface RunEnding {
  status: Run['status'];
  error?: Run['error'];
}

export interface RunEndLog {
  info(message: string, properties?: Record<string, unknown>): void;
}

export type EndOutcome =
  | { outcome: 'ended'; run: StoredRun }
  | { outcome: 'alreadyEnded'; run: StoredRun }
  | { outcome: 'missing' }
  | { outcome: 'keptChanging' };

/** Each conflict means a worker saved the run in between: a few fresh reads settle it. */
const maxAttempts = 5;

/**
 * The one way a run that has not ended is ended, whoever ends it (a cancel, a run that could not
 * be queued, a planner failure): read, end, save on the read's ETag, and read again when a worker
 * changed the run meanwhile. A run that has ended already is left as it ended.
 */
export async function endRun(
  store: Pick<RunStore, 'get' | 'finish'>,
  log: RunEndLog,
  ref: RunRef,
  ending: RunEnding,
): Promise<EndOutcome> {
  const { tenantId, exportId, runId } = ref;
  const { status, error } = ending;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const run = await store.get(tenantId, exportId, runId);
    if (!run) return { outcome: 'missing' };
    if (!activeStatuses.has(run.status)) return { outcome: 'alreadyEnded', run };
    const ended: StoredRun = {
      ...run,
      status,
      finishedAt: new Date().toISOString(),
      ...(error ? { error } : {}),
    };
    if (await store.finish(tenantId, ended)) {
      recordRunFinished(ended);
      // The same line as a run that ends after its batches, so one query finds every ending.
      log.info('Run finished', {
        exportId,
        runId,
        status,
        counts: ended.counts,
        durationMs: Date.parse(ended.finishedAt ?? '') - Date.parse(run.startedAt ?? run.createdAt),
        ...(error ? { errorCode: error.code, errorMessage: error.message } : {}),
      });
      return { outcome: 'ended', run: ended };
    }
  }
  return { outcome: 'keptChanging' };
}
