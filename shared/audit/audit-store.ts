import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { z } from 'zod';
import { pageOf } from '../clients/table-pages';

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: z.iso.datetime(),
    tenantId: z.string().describe('The tenant acted for'),
    actor: z.string().describe("Who acted: the user's oid, or the client id of an app"),
    actorType: z
      .enum(['user', 'app'])
      .describe('app: the platform acting for the tenant with its own identity'),
    appTenantId: z
      .string()
      .optional()
      .describe("For an app: the tenant of the app's own identity (the token's tid)"),
    action: z.string().describe('e.g. connection.create'),
    resourceType: z.string(),
    resourceId: z.string(),
    changes: z
      .record(z.string(), z.unknown())
      .describe('Changed fields, from → to; secrets appear only as "rotated" with a key hint'),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

const AuditEntitySchema = z.object({
  rowKey: z.string(),
  at: z.string(),
  actor: z.string(),
  // Entries written before apps could act have no type: they were users'.
  actorType: z.enum(['user', 'app']).default('user'),
  appTenantId: z.string().optional(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  changes: z.string(),
});

/** Row keys sort ascending, so the newest entry must have the smallest key. */
const maxTimestamp = 9_999_999_999_999;

export interface AuditPage {
  value: AuditEntry[];
  continuationToken?: string;
}

/** Who did what, when: one partition per tenant, newest first. Never holds a secret. */
export class AuditStore {
  constructor(private readonly table: TableClient) {}

  async record(tenantId: string, entry: Omit<AuditEntry, 'id' | 'at' | 'tenantId'>): Promise<void> {
    const now = Date.now();
    const rowKey = `${String(maxTimestamp - now).padStart(13, '0')}-${randomUUID()}`;
    await this.table.createEntity({
      partitionKey: tenantId,
      rowKey,
      at: new Date(now).toISOString(),
      actor: entry.actor,
      actorType: entry.actorType,
      ...(entry.appTenantId ? { appTenantId: entry.appTenantId } : {}),
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      changes: JSON.stringify(entry.changes),
    });
  }

  async page(tenantId: string, pageSize: number, continuationToken?: string): Promise<AuditPage> {
    const { rows, continuationToken: next } = await pageOf(
      this.table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${tenantId}` } }),
      pageSize,
      continuationToken,
    );
    const value = rows.map((entity): AuditEntry => {
      const { rowKey, changes, ...row } = AuditEntitySchema.parse(entity);
      return {
        ...row,
        id: rowKey,
        tenantId,
        changes: JSON.parse(changes) as Record<string, unknown>,
      };
    });
    return { value, continuationToken: next };
  }
}
