import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import type { AuditTrail } from '../audit/audit-trail';
import type { Principal } from '../http/auth';
import { AppError } from '../errors';
import { ScheduleSettingsSchema } from './cron';
import { PlatformRefreshes, PlatformRefreshesStateSchema } from './platform-refreshes';
import { ScheduleIndex } from './schedule-index';
import { statusCodeOf } from '../clients/azure-errors';

export const TenantScheduleSchema = ScheduleSettingsSchema.extend({
  updatedAt: z.iso.datetime(),
  updatedBy: z.string(),
}).meta({ id: 'TenantSchedule' });

/** The schedule as GET shows it: with whether the platform has taken refreshes over. */
export const TenantScheduleViewSchema = TenantScheduleSchema.extend({
  platformRefreshes: PlatformRefreshesStateSchema.optional(),
}).meta({ id: 'TenantScheduleView' });
export type TenantScheduleView = z.infer<typeof TenantScheduleViewSchema>;
export type TenantSchedule = z.infer<typeof TenantScheduleSchema>;

export const TenantScheduleInputSchema = ScheduleSettingsSchema.meta({ id: 'TenantScheduleInput' });
export type TenantScheduleInput = z.infer<typeof TenantScheduleInputSchema>;

const rowKey = 'refresh';

/** The tenant's refresh schedule row, if one was set. */
export async function readTenantSchedule(
  table: TableClient,
  tenantId: string,
): Promise<TenantSchedule | undefined> {
  try {
    const entity = await table.getEntity(tenantId, rowKey);
    return TenantScheduleSchema.parse({
      cron: entity.cron,
      timeZone: entity.timeZone,
      updatedAt: entity.updatedAt,
      updatedBy: entity.updatedBy,
    });
  } catch (error) {
    if (statusCodeOf(error) === 404) return undefined;
    throw error;
  }
}

/**
 * The tenant's refresh schedule: one row per tenant in the schedules table. Setting one also
 * lists the tenant in the refresh timer's index.
 */
export class ScheduleService {
  readonly #index: ScheduleIndex;
  readonly #platform: PlatformRefreshes;

  constructor(
    private readonly table: TableClient,
    private readonly audit: AuditTrail,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.#index = new ScheduleIndex(table);
    this.#platform = new PlatformRefreshes(table);
  }

  find(tenantId: string): Promise<TenantSchedule | undefined> {
    return readTenantSchedule(this.table, tenantId);
  }

  async get(principal: Principal): Promise<TenantScheduleView> {
    const [schedule, reported] = await Promise.all([
      this.find(principal.tenantId),
      this.#platform.last(principal.tenantId),
    ]);
    if (!schedule) {
      throw new AppError(
        404,
        'NotFound',
        reported
          ? `No refresh schedule is set; refresh exports run when the platform reports a refresh (last: ${reported.lastRefreshedAt}).`
          : 'No refresh schedule is set; refresh exports run only on demand.',
      );
    }
    return reported ? { ...schedule, platformRefreshes: reported } : schedule;
  }

  async put(principal: Principal, input: TenantScheduleInput): Promise<TenantSchedule> {
    const previous = await this.find(principal.tenantId);
    const schedule: TenantSchedule = {
      ...input,
      updatedAt: this.clock().toISOString(),
      updatedBy: principal.userId,
    };
    await this.#index.addTenant(principal.tenantId);
    await this.table.upsertEntity(
      { partitionKey: principal.tenantId, rowKey, ...schedule },
      'Replace',
    );
    await this.audit.record(
      principal,
      'schedule.update',
      { type: 'schedule', id: rowKey },
      {
        from: previous ? { cron: previous.cron, timeZone: previous.timeZone } : null,
        to: input,
      },
    );
    return schedule;
  }
}
