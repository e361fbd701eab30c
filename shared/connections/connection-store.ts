import type { TableClient, TransactionAction } from '@azure/data-tables';
import { rowsOfKindAfter } from '../clients/table-pages';
import { ConflictError } from '../errors';
import { quoteForMessage } from '../quote-for-message';
import { ConnectionEntitySchema, type ConnectionEntity } from './connection-schemas';
import { getOrUndefined, statusCodeOf } from '../clients/azure-errors';

/** The stored fields of a connection, without the table's own keys and etag. */
export type ConnectionRecord = Omit<
  ConnectionEntity,
  'partitionKey' | 'rowKey' | 'etag' | 'kind'
> & {
  id: string;
  tenantId: string;
  etag?: string;
};

/**
 * Connections live in one partition per tenant. A display name is reserved by a second row in
 * the same partition, written in the same transaction as the connection, so two requests can
 * never both take a name and a crash can never leave one without the other.
 */
export class ConnectionStore {
  constructor(private readonly table: TableClient) {}

  async get(tenantId: string, id: string): Promise<ConnectionRecord | undefined> {
    return getOrUndefined(async () => toRecord(await this.table.getEntity(tenantId, id)));
  }

  /** A quick check before any write; the transaction in `create` is what guarantees it. */
  async nameTaken(tenantId: string, displayName: string): Promise<boolean> {
    const row = await getOrUndefined(() => this.table.getEntity(tenantId, nameKey(displayName)));
    return row !== undefined;
  }

  /**
   * The tenant's connections after the one with id `afterId`, in id order, read page by page for
   * as long as `more` wants them (a caller that filters them needs a varying number).
   */
  async *after(tenantId: string, afterId: string): AsyncGenerator<ConnectionRecord> {
    const rows = rowsOfKindAfter(this.table, tenantId, 'connection', afterId);
    for await (const row of rows) yield toRecord(row);
  }

  async create(record: ConnectionRecord): Promise<void> {
    await this.#submit(record.displayName, [
      ['create', toEntity(record)],
      ['create', nameRow(record.tenantId, record.displayName, record.id)],
    ]);
  }

  /** Replaces the record if it has not changed since it was read (etag), moving the name if renamed. */
  async update(previous: ConnectionRecord, next: ConnectionRecord): Promise<void> {
    const actions: TransactionAction[] = [
      ['update', toEntity(next), 'Replace', { etag: previous.etag }],
    ];
    if (!sameDisplayName(previous.displayName, next.displayName)) {
      actions.push(['delete', nameRow(previous.tenantId, previous.displayName, previous.id)]);
      actions.push(['create', nameRow(next.tenantId, next.displayName, next.id)]);
    }
    await this.#submit(next.displayName, actions);
  }

  async delete(record: ConnectionRecord): Promise<void> {
    await this.#submit(record.displayName, [
      ['delete', { partitionKey: record.tenantId, rowKey: record.id }],
      ['delete', nameRow(record.tenantId, record.displayName, record.id)],
    ]);
  }

  async #submit(displayName: string, actions: TransactionAction[]): Promise<void> {
    try {
      await this.table.submitTransaction(actions);
    } catch (error) {
      const status = statusCodeOf(error);
      if (status === 409) throw nameConflict(displayName);
      if (status === 412) {
        throw new ConflictError(
          'The connection was changed by another request; read it and try again.',
        );
      }
      throw error;
    }
  }
}

export function nameConflict(displayName: string): ConflictError {
  return new ConflictError(
    `A connection named ${quoteForMessage(displayName.trim())} already exists.`,
    {
      target: 'displayName',
    },
  );
}

export function sameDisplayName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}

/** Names are unique regardless of case and surrounding spaces; RowKey forbids / \ # ?. */
function nameKey(displayName: string): string {
  return `name:${encodeURIComponent(displayName.trim().toLowerCase())}`;
}

function nameRow(tenantId: string, displayName: string, connectionId: string) {
  return { partitionKey: tenantId, rowKey: nameKey(displayName), kind: 'name', connectionId };
}

function toEntity(record: ConnectionRecord) {
  const { id, tenantId, etag: _etag, exportUsers, ...fields } = record;
  return {
    partitionKey: tenantId,
    rowKey: id,
    kind: 'connection',
    ...fields,
    exportUsers: JSON.stringify(exportUsers),
  };
}

function toRecord(entity: unknown): ConnectionRecord {
  const { partitionKey, rowKey, kind: _kind, ...fields } = ConnectionEntitySchema.parse(entity);
  return { ...fields, id: rowKey, tenantId: partitionKey };
}
