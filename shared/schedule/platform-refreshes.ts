import type { TableClient } from '@azure/data-tables';
import { Cron } from 'croner';
import { z } from 'zod';
import { statusCodeOf } from '../clients/azure-errors';

export const PlatformRefreshesStateSchema = z
  .object({
    lastRefreshedAt: z.iso.datetime().describe('The refresh time of the last refresh reported'),
    lastReportedAt: z.iso.datetime().describe('When it was reported'),
  })
  .describe(
    'Set once the platform reports refreshes (POST /api/refreshes): refresh exports then run on those reports, not on the cron',
  );
export type PlatformRefreshesState = z.infer<typeof PlatformRefreshesStateSchema>;

/** However often the tenant's cron fires, the platform's silence must last this long to count. */
const reportLapseMinimumMs = 24 * 60 * 60 * 1000;

/**
 * Whether the platform has stopped reporting the tenant's refreshes, so the timer takes the
 * tenant's `refresh` exports back: no report for two of the times the tenant's cron names, and
 * for a day at least. A platform that stops calling (a broken job, a removed integration) would
 * otherwise leave those exports never running again, without a sign.
 */
export function reportsLapsed(
  schedule: { cron: string; timeZone: string },
  lastReportedAt: string,
  now: Date,
): boolean {
  const last = Date.parse(lastReportedAt);
  if (now.getTime() - last < reportLapseMinimumMs) return false;
  const job = new Cron(schedule.cron, {
    mode: '5-or-6-parts',
    timezone: schedule.timeZone,
    paused: true,
  });
  // previousRuns leaves out a run exactly at the reference, so look back from just after now.
  const [, secondLatest] = job.previousRuns(2, new Date(now.getTime() + 1));
  return secondLatest !== undefined && secondLatest.getTime() > last;
}

// Beside the tenant's `refresh` schedule row, in the tenant's partition of the schedules table.
const rowKey = 'platformRefreshes';

/**
 * Whether the platform reports its refreshes for a tenant (`POST /api/refreshes`). Once it has
 * reported one, the tenant's `refresh` exports run when it reports, and the refresh timer stops
 * starting them from the tenant's cron: a cron guess can read a snapshot half-written or a day
 * old. Tenants whose platform never reported keep the cron, and so do tenants whose platform has
 * stopped reporting (reportsLapsed). `custom` exports keep their own cron either way.
 */
export class PlatformRefreshes {
  constructor(private readonly table: TableClient) {}

  /** Notes a reported refresh; the first one hands the tenant's `refresh` exports over for good. */
  async record(tenantId: string, refreshedAt: string, now: Date): Promise<void> {
    await this.table.upsertEntity(
      {
        partitionKey: tenantId,
        rowKey,
        kind: 'platformRefreshes',
        lastRefreshedAt: refreshedAt,
        lastReportedAt: now.toISOString(),
      },
      'Merge',
    );
  }

  /** The last refresh reported for the tenant, if the platform ever reported one. */
  async last(tenantId: string): Promise<PlatformRefreshesState | undefined> {
    try {
      const entity = await this.table.getEntity<Record<string, unknown>>(tenantId, rowKey);
      return PlatformRefreshesStateSchema.parse(entity);
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }
}
