import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { statusCodeOf } from '../clients/azure-errors';
import { rowsAfter } from '../clients/table-pages';
import { ExportScheduleSchema, type ExportSchedule } from './export-schemas';

/**
 * The hash space of the sweep: every export falls in one of this many slices by a hash of its
 * id, whatever its tenant. Fixed, so the index never depends on how many shards sweep it: a shard
 * is a range of slices, and changing the number of shards moves no row.
 */
export const sweepSlices = 1024;

/** The slice of an export: the first two bytes of the SHA-256 of its id, modulo the slices. */
export function sliceOf(exportId: string): number {
  return createHash('sha256').update(exportId).digest().readUInt16BE(0) % sweepSlices;
}

/** A slice's partition: four digits, so partitions sort as their numbers do. */
export const slicePartition = (slice: number) => String(slice).padStart(4, '0');

const rowKey = (tenantId: string, exportId: string) => `${tenantId}|${exportId}`;

/** What the sweep decides due-ness by, and the last slot it saw claimed (a hint, never the truth). */
export interface SweepEntry {
  tenantId: string;
  exportId: string;
  schedule: ExportSchedule;
  /** The export's `updatedAt` when the entry was written: no slot before it is due. */
  updatedAt: string;
  /** The slot the sweep last saw claimed, and under which schedule key; the cursor may be later. */
  claimedSlot?: string;
  claimedKey?: string;
  /** The RowKey: the sweep's place within the slice. */
  key: string;
  etag: string;
}

const EntrySchema = z.object({
  rowKey: z.string(),
  etag: z.string(),
  tenantId: z.string(),
  exportId: z.string(),
  schedule: z
    .string()
    .transform((text): ExportSchedule => ExportScheduleSchema.parse(JSON.parse(text))),
  updatedAt: z.string(),
  claimedSlot: z.string().optional(),
  claimedKey: z.string().optional(),
});

/** The fields of an export the index keeps. */
export interface IndexedExport {
  tenantId: string;
  id: string;
  schedule: ExportSchedule;
  updatedAt: string;
}

/**
 * The refresh sweep's index (table sweepindex): one row per scheduled export, in the partition of
 * its slice, keyed `{tenantId}|{exportId}`, so a shard reads its exports slice by slice without
 * going through tenants. The export row stays the truth: the sweep reads it before it claims a
 * slot, and drops an entry whose export is gone or off. So the index may hold too much, never too
 * little: an entry is written before the export row that schedules it, and removed after the
 * export row that unschedules it.
 */
export class SweepIndex {
  constructor(private readonly table: TableClient) {}

  /** Writes the export's entry (a scheduled export) or removes it (`off`). */
  async save(record: IndexedExport): Promise<void> {
    if (record.schedule.mode === 'off') {
      await this.remove(record.tenantId, record.id);
      return;
    }
    await this.table.upsertEntity(toEntity(record), 'Replace');
  }

  /**
   * Writes the entry only where there is none: the backfill's write, which must never overwrite
   * an entry an export save wrote meanwhile (that one is newer).
   */
  async add(record: IndexedExport): Promise<void> {
    if (record.schedule.mode === 'off') return;
    try {
      await this.table.createEntity(toEntity(record));
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw error;
    }
  }

  async remove(tenantId: string, exportId: string, etag = '*'): Promise<void> {
    try {
      await this.table.deleteEntity(slicePartition(sliceOf(exportId)), rowKey(tenantId, exportId), {
        etag,
      });
    } catch (error) {
      // Gone already, or rewritten since it was read (then it is no longer stale).
      if (statusCodeOf(error) !== 404 && statusCodeOf(error) !== 412) throw error;
    }
  }

  /** Up to `max` entries of a slice after the key `after` ('' = from the first), in key order. */
  async page(
    slice: number,
    after: string,
    max: number,
  ): Promise<{ entries: SweepEntry[]; done: boolean }> {
    const page = await rowsAfter(this.table, slicePartition(slice), { after }, max);
    return {
      entries: page.rows.map((row) => {
        const { rowKey: key, ...entry } = EntrySchema.parse(row);
        return { ...entry, key };
      }),
      done: page.done,
    };
  }

  /**
   * Notes the slot the sweep saw claimed, so the next pass finds the export not due without
   * reading its cursor. Only an update: an entry removed meanwhile stays removed.
   */
  async noteClaimed(entry: SweepEntry, slot: string, scheduleKey: string): Promise<void> {
    try {
      await this.table.updateEntity(
        {
          partitionKey: slicePartition(sliceOf(entry.exportId)),
          rowKey: entry.key,
          claimedSlot: slot,
          claimedKey: scheduleKey,
        },
        'Merge',
        { etag: '*' },
      );
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
    }
  }
}

function toEntity(record: IndexedExport) {
  return {
    partitionKey: slicePartition(sliceOf(record.id)),
    rowKey: rowKey(record.tenantId, record.id),
    tenantId: record.tenantId,
    exportId: record.id,
    schedule: JSON.stringify(record.schedule),
    updatedAt: record.updatedAt,
  };
}
