import { Cron } from 'croner';
import { z } from 'zod';

/** An IANA time zone the runtime knows (Europe/Amsterdam, America/New_York, UTC, ...). */
export const TimeZoneSchema = z
  .string()
  .min(1)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Amsterdam');

/**
 * Five fields (minute hour day month weekday), or six with seconds first. croner knows time
 * zones and daylight-saving changes, which the scheduler relies on.
 */
export const CronSchema = z
  .string()
  .trim()
  .refine((expression) => {
    const fields = expression.split(/\s+/).length;
    if (fields !== 5 && fields !== 6) return false;
    try {
      new Cron(expression, { mode: '5-or-6-parts', paused: true });
      return true;
    } catch {
      return false;
    }
  }, 'must be a cron expression with five fields (or six, seconds first)');

export const ScheduleSettingsSchema = z.strictObject({
  cron: CronSchema,
  timeZone: TimeZoneSchema,
});

/**
 * The latest time at or before `now` that the expression names in the zone (undefined if it never
 * did). croner applies the zone's daylight-saving rules: a fixed time such as `30 2 * * *` runs
 * once on the day 02:30 occurs twice, and at the first valid time after the gap on the day it does
 * not occur; interval expressions (`0 * * * *`) follow elapsed time, skipping the missing hour and
 * running in both repeated ones.
 */
export function latestOccurrence(cron: string, timeZone: string, now: Date): Date | undefined {
  const job = new Cron(cron, { mode: '5-or-6-parts', timezone: timeZone, paused: true });
  // previousRuns leaves out a run exactly at the reference, so look back from just after now.
  return job.previousRuns(1, new Date(now.getTime() + 1))[0];
}

/** The first time after `now` that the expression names in the zone (undefined if it never will). */
export function nextOccurrence(cron: string, timeZone: string, now: Date): Date | undefined {
  const job = new Cron(cron, { mode: '5-or-6-parts', timezone: timeZone, paused: true });
  return job.nextRun(now) ?? undefined;
}
