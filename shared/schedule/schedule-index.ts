import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { statusCodeOf } from '../clients/azure-errors';
import { rowsAfter } from '../clients/table-pages';

/** Where the refresh timer continues: in `tenantId`, after export `afterExportId` ('' = start). */
export interface SweepPosition {
  tenantId: string;
  afterExportId: string;
}

export const sweepStart: SweepPosition = { tenantId: '', afterExportId: '' };

// A tenant id is the token's `tid`; '~' cannot start a GUID, so this partition is no tenant's.
const partition = '~refresh-timer';
const tenantPrefix = 'tenant|';
// '}' sorts right after '|', so it bounds the tenant rows.
const tenantsEnd = 'tenant}';
const positionKey = 'position';

const PositionEntitySchema = z.object({ tenantId: z.string(), afterExportId: z.string() });

/**
 * The refresh timer's own rows in the schedules table: an index row per tenant that has a
 * refresh schedule or a scheduled export, so the timer lists tenants without scanning the
 * exports table, and the position where the last invocation stopped its pass over them.
 * Index rows are only added: a tenant whose exports all went `off` costs the timer one
 * schedule read and one empty page per pass, which is cheaper than a check on every change.
 */
export class ScheduleIndex {
  constructor(private readonly table: TableClient) {}

  async addTenant(tenantId: string): Promise<void> {
    await this.table.upsertEntity(
      { partitionKey: partition, rowKey: `${tenantPrefix}${tenantId}`, kind: 'scheduledTenant' },
      'Replace',
    );
  }

  /** Up to `max` tenants after `afterTenantId` ('' = from the first), in id order. */
  async tenantsAfter(
    afterTenantId: string,
    max: number,
  ): Promise<{ tenantIds: string[]; done: boolean }> {
    const page = await rowsAfter(
      this.table,
      partition,
      { after: `${tenantPrefix}${afterTenantId}`, below: tenantsEnd },
      max,
    );
    return {
      tenantIds: page.rows.map((row) => String(row.rowKey).slice(tenantPrefix.length)),
      done: page.done,
    };
  }

  async position(): Promise<SweepPosition> {
    try {
      return PositionEntitySchema.parse(await this.table.getEntity(partition, positionKey));
    } catch (error) {
      if (statusCodeOf(error) === 404) return sweepStart;
      throw error;
    }
  }

  /**
   * Last writer wins: two invocations racing from one position save positions that are equally
   * good, since every slot they handle is claimed exactly once anyway.
   */
  async savePosition(position: SweepPosition): Promise<void> {
    await this.table.upsertEntity(
      { partitionKey: partition, rowKey: positionKey, kind: 'sweepPosition', ...position },
      'Replace',
    );
  }
}
