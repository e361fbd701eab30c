import type { TableClient } from '@azure/data-tables';
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

// Beside the tenant's `refresh` schedule row, in the tenant's partition of the schedules table.
const rowKey = 'platformRefreshes';

/**
 * Whether the platform reports its refreshes for a tenant (`POST /api/refreshes`). Once it has
 * reported one, the tenant's `refresh` exports run when it reports, and the refresh timer stops
 * starting them from the tenant's cron: a cron guess can read a snapshot half-written or a day
 * old. Tenants whose platform never reported keep the cron. `custom` exports keep their own cron
 * either way.
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

  async reported(tenantId: string): Promise<boolean> {
    try {
      await this.table.getEntity(tenantId, rowKey, { queryOptions: { select: ['PartitionKey'] } });
      return true;
    } catch (error) {
      if (statusCodeOf(error) === 404) return false;
      throw error;
    }
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
