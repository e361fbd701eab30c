import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { getOrUndefined, statusCodeOf, unlessGone } from '../clients/azure-errors';
import { rowsAfter } from '../clients/table-pages';

/**
 * What an erasure takes away. `export`: the export was deleted, so all it kept of its members goes
 * (its whole state folder, every run's work blobs) with its slot and refresh claims. `connection`:
 * its connection was deleted and the export stays, so what it confirmed in that Iterable project
 * goes (its state and the work blobs of the runs made until then). Run records (counts, no
 * members) stay either way, until retention takes them.
 */
export type ErasureScope = 'export' | 'connection';

/**
 * A pending erasure, written before anything is taken away, so a crash part-way leaves a record
 * that the next pass (a repeated delete, or the retention timer) finishes. It stays after a
 * complete sweep until one sweep started late enough that no invocation of the erased runs can
 * still be writing (`settleMs` after the request), then it goes.
 */
export interface ErasureRecord {
  tenantId: string;
  exportId: string;
  scope: ErasureScope;
  /** When it was asked for: in scope `connection`, runs created until then are erased. */
  requestedAt: string;
  /** The runs-table row the current sweep has reached (a sweep cut short by its budget). */
  cursor?: string;
  /** When the last complete sweep started. */
  sweptAt?: string;
}

/** Erasures live in their own partition of the runs table. */
const partition = '~erasures';

const RowSchema = z.object({
  rowKey: z.string(),
  tenantId: z.string(),
  exportId: z.string(),
  scope: z.enum(['export', 'connection']),
  requestedAt: z.string(),
  cursor: z.string().optional(),
  sweptAt: z.string().optional(),
});

function rowKeyOf(record: Pick<ErasureRecord, 'tenantId' | 'exportId' | 'scope'>): string {
  return `${record.scope}|${encodeURIComponent(record.tenantId)}|${record.exportId}`;
}

export class ErasureRecords {
  constructor(private readonly table: TableClient) {}

  /** Records (or renews) an erasure; a renewed one starts its sweep again from the beginning. */
  async request(
    tenantId: string,
    exportId: string,
    scope: ErasureScope,
    now: Date,
  ): Promise<ErasureRecord> {
    const record: ErasureRecord = { tenantId, exportId, scope, requestedAt: now.toISOString() };
    await this.table.upsertEntity(
      { partitionKey: partition, rowKey: rowKeyOf(record), ...record, cursor: '', sweptAt: '' },
      'Replace',
    );
    return record;
  }

  async get(
    tenantId: string,
    exportId: string,
    scope: ErasureScope,
  ): Promise<(ErasureRecord & { etag: string }) | undefined> {
    const row = await getOrUndefined(() =>
      this.table.getEntity(partition, rowKeyOf({ tenantId, exportId, scope })),
    );
    return row ? { ...toRecord(row), etag: String(row.etag) } : undefined;
  }

  /** Up to `max` pending erasures after the row key `after`, and the last row key read. */
  async page(
    after: string,
    max: number,
  ): Promise<{ records: ErasureRecord[]; done: boolean; last?: string }> {
    const { rows, done } = await rowsAfter(this.table, partition, { after }, max);
    const last = rows.at(-1)?.rowKey;
    return { records: rows.map(toRecord), done, ...(last ? { last } : {}) };
  }

  /**
   * Saves how far the sweep got. Only the sweep's own columns are written, so an erasure asked
   * for again meanwhile keeps its later request time (and needs a sweep after it).
   */
  async save(record: ErasureRecord): Promise<void> {
    await unlessGone(() =>
      this.table.updateEntity(
        {
          partitionKey: partition,
          rowKey: rowKeyOf(record),
          cursor: record.cursor ?? '',
          sweptAt: record.sweptAt ?? '',
        },
        'Merge',
      ),
    );
  }

  /** The erasure is done, unless it was asked for again since `record` was read. */
  async remove(record: ErasureRecord): Promise<void> {
    const current = await this.get(record.tenantId, record.exportId, record.scope);
    if (!current || current.requestedAt !== record.requestedAt) return;
    try {
      await this.table.deleteEntity(partition, rowKeyOf(record), { etag: current.etag });
    } catch (error) {
      // Gone already, or renewed meanwhile (the renewed one stays).
      const status = statusCodeOf(error);
      if (status !== 404 && status !== 412) throw error;
    }
  }
}

function toRecord(row: unknown): ErasureRecord {
  const parsed = RowSchema.parse(row);
  return {
    tenantId: parsed.tenantId,
    exportId: parsed.exportId,
    scope: parsed.scope,
    requestedAt: parsed.requestedAt,
    ...(parsed.cursor ? { cursor: parsed.cursor } : {}),
    ...(parsed.sweptAt ? { sweptAt: parsed.sweptAt } : {}),
  };
}
