import { createHash } from 'node:crypto';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { z } from 'zod';
import { statusCodeOf } from '../clients/azure-errors';
import { rowsWhere } from '../clients/table-pages';
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
  /**
   * The version (ETag) the claim of `claimedSlot` gave the export's cursor, when the sweep knows
   * it: the next claim can move the cursor from there without reading it ('' or none: unknown).
   */
  cursorEtag?: string;
  /**
   * What a run needs of the export, as its last save wrote them, and the export row's version
   * (ETag) when that save confirmed the entry after writing the row: the sweep claims from a
   * confirmed entry without reading the export (`confirmedExport`).
   */
  enabled?: boolean;
  connectionId?: string;
  segments?: string[];
  rowEtag?: string;
  /** The slice the entry is in. */
  slice: number;
  /** The RowKey: the sweep's place within the slice. */
  key: string;
  etag: string;
}

/** A place in the index: slice `slice`, after the key `after` ('' = from its first entry). */
export interface IndexPlace {
  slice: number;
  after: string;
}

/** What the sweep saw of an entry's export: its cursor after a claim, or as it read it. */
export interface ClaimNote {
  entry: SweepEntry;
  slot: string;
  scheduleKey: string;
  cursorEtag?: string;
}

/** Entries one index transaction notes at most (the service's limit per transaction). */
const notesPerTransaction = 100;

const EntrySchema = z.object({
  partitionKey: z.string(),
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
  cursorEtag: z.string().optional(),
  enabled: z.boolean().optional(),
  connectionId: z.string().optional(),
  segments: z
    .string()
    .transform((text) => z.array(z.string()).parse(JSON.parse(text)))
    .optional(),
  rowEtag: z.string().optional(),
});

/** The fields of an export the index keeps. */
export interface IndexedExport {
  tenantId: string;
  id: string;
  schedule: ExportSchedule;
  updatedAt: string;
  enabled?: boolean;
  connectionId?: string;
  segments?: string[];
}

/** The export as a confirmed entry holds it: all a claim needs, without reading the export. */
export function confirmedExport(entry: SweepEntry) {
  const { tenantId, exportId: id, schedule, updatedAt, enabled, connectionId, segments } = entry;
  if (!entry.rowEtag || enabled === undefined || connectionId === undefined || !segments)
    return undefined;
  return { tenantId, id, schedule, updatedAt, enabled, connectionId, segments };
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

  /**
   * Writes the export's entry (a scheduled export), unconfirmed, or removes it (`off`): the
   * entry's version, to confirm it by once the export row is written.
   */
  async save(record: IndexedExport): Promise<string | undefined> {
    if (record.schedule.mode === 'off') {
      await this.remove(record.tenantId, record.id);
      return undefined;
    }
    return (await this.table.upsertEntity(toEntity(record), 'Replace')).etag;
  }

  /**
   * Confirms the entry a save wrote (`entryEtag`) once the save wrote the export row (`rowEtag`),
   * unless the entry was written since: then another save came after, and confirms its own.
   */
  async confirm(record: IndexedExport, entryEtag: string, rowEtag: string): Promise<void> {
    try {
      await this.table.updateEntity({ ...toEntity(record), rowEtag }, 'Replace', {
        etag: entryEtag,
      });
    } catch (error) {
      if (!changedMeanwhile(error)) throw error;
    }
  }

  /**
   * Makes the entry unconfirmed before its export row is written (deleted, unscheduled): should
   * the writer die before the entry follows, the sweep reads the export and finds it so.
   */
  async unconfirm(tenantId: string, exportId: string): Promise<void> {
    try {
      const keys = {
        partitionKey: slicePartition(sliceOf(exportId)),
        rowKey: rowKey(tenantId, exportId),
      };
      await this.table.updateEntity({ ...keys, rowEtag: '' }, 'Merge', { etag: '*' });
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
    }
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

  /**
   * Up to `max` entries from `at` on, in slices below `to`, in order (slice, then key), and the
   * place to go on from. A page spans slices: the sweep reads a range of them per query, not one
   * query per slice, so a quiet pass costs a query per page, whatever the number of slices.
   */
  async page(
    at: IndexPlace,
    to: number,
    max: number,
  ): Promise<{ entries: SweepEntry[]; next: IndexPlace }> {
    const entries: SweepEntry[] = [];
    let slice = at.slice;
    const more = (rows: SweepEntry[]): IndexPlace => {
      const last = rows.at(-1);
      return last ? { slice: last.slice, after: last.key } : at;
    };
    if (at.after !== '' && slice < to) {
      const filter = odata`PartitionKey eq ${slicePartition(slice)} and RowKey gt ${at.after}`;
      const rest = await rowsWhere(this.table, filter, max);
      entries.push(...rest.rows.map(toEntry));
      if (!rest.done) return { entries, next: more(entries) };
      slice++;
    }
    if (slice < to && entries.length < max) {
      const filter = odata`PartitionKey ge ${slicePartition(slice)} and PartitionKey lt ${slicePartition(to)}`;
      const range = await rowsWhere(this.table, filter, max - entries.length);
      entries.push(...range.rows.map(toEntry));
      if (!range.done) return { entries, next: more(entries) };
    }
    return { entries, next: { slice: to, after: '' } };
  }

  /**
   * Notes the slots the sweep saw claimed, so the next pass finds those exports not due without
   * reading their cursors, and claims the next slot from the cursor version noted. One
   * transaction per slice of up to 100 entries; each note holds only while its entry is as the
   * sweep read it (an export saved meanwhile keeps its new entry, and a removed one stays removed).
   */
  async noteClaims(notes: ClaimNote[]): Promise<void> {
    const bySlice = new Map<number, ClaimNote[]>();
    for (const note of notes) {
      const list = bySlice.get(note.entry.slice) ?? [];
      list.push(note);
      bySlice.set(note.entry.slice, list);
    }
    for (const list of bySlice.values()) {
      for (let at = 0; at < list.length; at += notesPerTransaction) {
        const chunk = list.slice(at, at + notesPerTransaction);
        try {
          await this.table.submitTransaction(chunk.map(noteAction));
        } catch (error) {
          if (!changedMeanwhile(error)) throw error;
          // One entry changed since it was read, and the transaction wrote nothing: each alone.
          for (const note of chunk) await this.#note(note);
        }
      }
    }
  }

  async #note(note: ClaimNote): Promise<void> {
    const [, entity, mode, options] = noteAction(note);
    try {
      await this.table.updateEntity(entity, mode, options);
    } catch (error) {
      if (!changedMeanwhile(error)) throw error;
    }
  }
}

function noteAction(note: ClaimNote) {
  return [
    'update',
    {
      partitionKey: slicePartition(note.entry.slice),
      rowKey: note.entry.key,
      claimedSlot: note.slot,
      claimedKey: note.scheduleKey,
      cursorEtag: note.cursorEtag ?? '',
    },
    'Merge',
    { etag: note.entry.etag },
  ] satisfies TransactionAction;
}

/** 404: the entry is gone; 412: it was written again since it was read. */
function changedMeanwhile(error: unknown): boolean {
  return statusCodeOf(error) === 404 || statusCodeOf(error) === 412;
}

function toEntry(row: unknown): SweepEntry {
  const { partitionKey, rowKey: key, ...entry } = EntrySchema.parse(row);
  return { ...entry, slice: Number(partitionKey), key };
}

function toEntity(record: IndexedExport) {
  return {
    partitionKey: slicePartition(sliceOf(record.id)),
    rowKey: rowKey(record.tenantId, record.id),
    tenantId: record.tenantId,
    exportId: record.id,
    schedule: JSON.stringify(record.schedule),
    updatedAt: record.updatedAt,
    ...(record.enabled === undefined ? {} : { enabled: record.enabled }),
    ...(record.connectionId === undefined ? {} : { connectionId: record.connectionId }),
    ...(record.segments === undefined ? {} : { segments: JSON.stringify(record.segments) }),
  };
}
