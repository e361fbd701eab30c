import { getAppServices } from './app-services';
import { processLog } from '../process-log';
import { getSettings } from '../settings';
import { inSpan } from '../telemetry';

/** The timer's NCRONTAB schedule, or `%RETENTION_TIMER_SCHEDULE%` for the host to read. */
export function retentionTimerSchedule(): string {
  return getSettings().retention.timerSchedule;
}

/**
 * The retention timer's service call: one bounded pass that finishes recorded erasures and
 * deletes what outlived its retention (RETENTION_*). What the pass did not reach, the next one
 * does; a failure fails the invocation, so the host shows it.
 */
export async function onRetentionTimer(invocation?: {
  traceContext?: { traceParent?: string | null };
}): Promise<void> {
  const report = await inSpan(
    'retention timer',
    { traceparent: invocation?.traceContext?.traceParent, attributes: {} },
    () => getAppServices().retentionPass(),
  );
  processLog.info('Retention timer pass', { ...report });
}
