import type { SavedExport } from '../exports/export-schemas';
import { nextOccurrence } from './cron';
import { effectiveSchedule } from './due-slots';
import type { TenantSchedule } from './schedule-service';

type Schedulable = Pick<SavedExport, 'schedule' | 'enabled' | 'updatedAt' | 'connectionId'>;

/**
 * When an export next runs on its schedule, as the refresh timer will start it: the next time
 * after `now` that its own cron, or the tenant's refresh cron it follows, names (the timer starts
 * the run at its first tick after that, within 5 minutes). null when no schedule will start it:
 * schedule off, export or connection disabled, a `refresh` export without a refresh cron the
 * timer applies (none set, or the platform reports refreshes and runs them itself).
 */
export function nextRunAt(
  record: Schedulable,
  refreshCron: TenantSchedule | undefined,
  connectionEnabled: boolean,
  now: Date,
): string | null {
  if (!record.enabled || !connectionEnabled) return null;
  const schedule = effectiveSchedule(record, refreshCron);
  if (!schedule) return null;
  return nextOccurrence(schedule.cron, schedule.timeZone, now)?.toISOString() ?? null;
}

/** What `nextRuns` reads: both only when an export of the page needs them. */
export interface NextRunSources {
  /** The tenant's refresh cron as the timer applies it to `refresh` exports (see refresh sweep). */
  refreshCron(tenantId: string, now: Date): Promise<TenantSchedule | undefined>;
  /** Whether the connection exists and is enabled (a disabled one runs nothing). */
  connectionEnabled(tenantId: string, connectionId: string): Promise<boolean>;
  clock?: () => Date;
}

/**
 * `nextRunAt` of each of a tenant's exports (a page, or one), computed when asked, never stored:
 * the tenant's refresh cron is read once, and each connection once, only for exports that may run.
 */
export function createNextRuns(sources: NextRunSources) {
  const clock = sources.clock ?? (() => new Date());
  return async (tenantId: string, records: Schedulable[]): Promise<(string | null)[]> => {
    const now = clock();
    const mayRun = records.filter((record) => record.enabled && record.schedule.mode !== 'off');
    const refreshCron = mayRun.some((record) => record.schedule.mode === 'refresh')
      ? await sources.refreshCron(tenantId, now)
      : undefined;
    const connectionIds = [...new Set(mayRun.map((record) => record.connectionId))];
    const enabled = new Map(
      await Promise.all(
        connectionIds.map(
          async (id) => [id, await sources.connectionEnabled(tenantId, id)] as const,
        ),
      ),
    );
    return records.map((record) =>
      nextRunAt(record, refreshCron, enabled.get(record.connectionId) ?? false, now),
    );
  };
}
export type NextRuns = ReturnType<typeof createNextRuns>;
