import type { TableClient } from '@azure/data-tables';
import { rowsOfKindAfter } from '../clients/table-pages';
import { getOrUndefined, statusCodeOf, unlessGone } from '../clients/azure-errors';
import { WebhookEntitySchema, type Delivery, type WebhookRecord } from './webhook-schemas';

/**
 * Webhooks, one partition per tenant, keyed by id. The same partition holds a row per event that
 * must be emitted once however many workers meet its cause (`emitted|…`), so that a revoked key
 * met by a thousand batches is one event.
 */
export class WebhookStore {
  constructor(private readonly table: TableClient) {}

  async get(tenantId: string, id: string): Promise<WebhookRecord | undefined> {
    return getOrUndefined(async () => toRecord(await this.table.getEntity(tenantId, id)));
  }

  /** The tenant's webhooks after `afterId`, in id order. */
  async *after(tenantId: string, afterId: string): AsyncGenerator<WebhookRecord> {
    const rows = rowsOfKindAfter(this.table, tenantId, 'webhook', afterId);
    for await (const row of rows) yield toRecord(row);
  }

  async all(tenantId: string): Promise<WebhookRecord[]> {
    const found: WebhookRecord[] = [];
    for await (const record of this.after(tenantId, '')) found.push(record);
    return found;
  }

  async create(record: WebhookRecord): Promise<void> {
    const { id, tenantId, events, lastDelivery: _lastDelivery, ...fields } = record;
    await this.table.createEntity({
      partitionKey: tenantId,
      rowKey: id,
      kind: 'webhook',
      ...fields,
      events: JSON.stringify(events),
    });
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await unlessGone(() => this.table.deleteEntity(tenantId, id));
  }

  /**
   * Records a delivery attempt. Merge without an etag: the row's other fields never change after
   * creation, and of two attempts racing the later write is the later news. A webhook deleted
   * meanwhile stays deleted (404 is ignored, no row is created).
   */
  async recordDelivery(tenantId: string, id: string, delivery: Delivery): Promise<void> {
    await unlessGone(() =>
      this.table.updateEntity(
        { partitionKey: tenantId, rowKey: id, lastDelivery: JSON.stringify(delivery) },
        'Merge',
        { etag: '*' },
      ),
    );
  }

  /** True the first time `key` is claimed in the tenant's partition, false ever after. */
  async claimOnce(tenantId: string, key: string): Promise<boolean> {
    try {
      await this.table.createEntity({
        partitionKey: tenantId,
        rowKey: `emitted|${key}`,
        kind: 'emitted',
        at: new Date().toISOString(),
      });
      return true;
    } catch (error) {
      if (statusCodeOf(error) === 409) return false;
      throw error;
    }
  }
}

function toRecord(entity: unknown): WebhookRecord {
  const { partitionKey, rowKey, kind: _kind, ...fields } = WebhookEntitySchema.parse(entity);
  return { ...fields, id: rowKey, tenantId: partitionKey };
}
