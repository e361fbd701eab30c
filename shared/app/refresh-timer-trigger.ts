import { getAppServices } from './app-services';
import { processLog } from '../process-log';
import { getSettings } from '../settings';
import { inSpan } from '../telemetry';

/** The timer's NCRONTAB schedule, or `%REFRESH_TIMER_SCHEDULE%` for the host to read. */
export function refreshTimerSchedule(): string {
  return getSettings().refreshTimerSchedule;
}

/**
 * The refresh timer's service call: one bounded pass that claims every due slot. Failures of
 * single exports are logged where they happen and leave their slots for the next invocation; the
 * invocation then fails too, so the host's log shows it. The pass is a span of the host's trace
 * of the invocation, which every run it starts carries on (its message's traceparent).
 */
export async function onRefreshTimer(invocation?: {
  traceContext?: { traceParent?: string | null };
}): Promise<void> {
  const report = await inSpan(
    'refresh timer',
    { traceparent: invocation?.traceContext?.traceParent, attributes: {} },
    () => getAppServices().refreshSweep.run(),
  );
  processLog.info('Refresh timer pass', { ...report });
  if (report.failed > 0) {
    throw new Error(`${report.failed} due slot(s) or tenant(s) failed; they are tried again`);
  }
}
