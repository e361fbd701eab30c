import type { Export } from '../exports/export-schemas';
import { latestOccurrence } from './cron';
import type { TenantSchedule } from './schedule-service';

/** An export's schedule as the refresh timer applies it. */
export interface EffectiveSchedule {
  /** Names the schedule: a cursor written under another key was written under an older one. */
  key: string;
  cron: string;
  timeZone: string;
  /** When this schedule began to apply, at the latest: no slot before it is ever due. */
  since: string;
}

/** Where an export stands with its schedule: the last slot claimed, under which schedule. */
export interface CursorPosition {
  lastSlot: string;
  scheduleKey: string;
}

/**
 * `refresh` follows the tenant's refresh schedule (none until one is set), `custom` the export's
 * own cron and time zone, `off` nothing. The times an export or the tenant schedule were last
 * saved bound when the schedule began: edits that left the schedule alone are told apart by the
 * schedule key kept with the cursor.
 */
export function effectiveSchedule(
  record: Pick<Export, 'schedule' | 'updatedAt'>,
  tenant: TenantSchedule | undefined,
): EffectiveSchedule | undefined {
  const { schedule } = record;
  if (schedule.mode === 'custom') {
    return {
      key: `custom ${schedule.cron} ${schedule.timeZone}`,
      cron: schedule.cron,
      timeZone: schedule.timeZone,
      since: latestOf(record.updatedAt),
    };
  }
  if (schedule.mode === 'refresh' && tenant) {
    return {
      key: `refresh ${tenant.cron} ${tenant.timeZone}`,
      cron: tenant.cron,
      timeZone: tenant.timeZone,
      since: latestOf(record.updatedAt, tenant.updatedAt),
    };
  }
  return undefined;
}

/**
 * The slot to claim now, if any: the schedule's latest time at or before now (`latest`), when it
 * comes after the last slot claimed under the same schedule, or, for an export not yet claimed
 * under this schedule, after the schedule began. Only the latest time is ever due, so a timer
 * that was down through several slots claims one catch-up slot, never one per missed time, and
 * a new export never fires for times before it existed.
 */
export function dueSlot(
  schedule: EffectiveSchedule,
  cursor: CursorPosition | undefined,
  latest: Date | undefined,
): string | undefined {
  if (!latest) return undefined;
  const slot = latest.toISOString();
  const after =
    cursor?.scheduleKey === schedule.key
      ? cursor.lastSlot
      : latestOf(schedule.since, cursor?.lastSlot);
  // Both are toISOString() forms, which compare as the times they name.
  return slot > after ? slot : undefined;
}

/** The latest of some times, as toISOString() writes it. */
function latestOf(...times: (string | undefined)[]): string {
  const parsed = times.filter((time) => time !== undefined).map((time) => Date.parse(time));
  return new Date(Math.max(...parsed)).toISOString();
}

/**
 * The latest occurrence of `schedule` at or before `at`, worked out once per schedule key in
 * `memo`: exports that follow their tenant's schedule share one.
 */
export function latestSlot(
  memo: Map<string, Date | undefined>,
  schedule: EffectiveSchedule,
  at: Date,
): Date | undefined {
  if (!memo.has(schedule.key)) {
    memo.set(schedule.key, latestOccurrence(schedule.cron, schedule.timeZone, at));
  }
  return memo.get(schedule.key);
}
