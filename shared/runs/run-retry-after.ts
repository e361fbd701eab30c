import type { RunStatus } from './run-schemas';

/**
 * Seconds a caller polling a run (the status monitor, `GET .../runs/{runId}`) should wait before
 * asking again, or undefined once the run has ended and nothing more will change.
 *
 * Queued, planning and running runs move fast: the planner picks a queued run within a second, a
 * run of a million members plans and sends in under a minute, and every batch moves its progress.
 * Five seconds shows such a run about ten times on its way, while a poller asks the runs table
 * at most once per five seconds per run. A run held for an Admin's confirmation waits on a
 * person, so a minute between polls misses nothing worth seeing.
 */
export function runRetryAfterSeconds(status: RunStatus): number | undefined {
  switch (status) {
    case 'queued':
    case 'planning':
    case 'running':
      return 5;
    case 'awaitingConfirmation':
      return 60;
    default:
      return undefined;
  }
}

/** The `Retry-After` header of a run's answer: none once the run has ended. */
export function runRetryAfterHeader(status: RunStatus): Record<string, string> {
  const seconds = runRetryAfterSeconds(status);
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}
