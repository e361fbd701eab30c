import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { z } from 'zod';
import { statusCodeOf } from '../clients/azure-errors';
import { versionedFormat } from '../schema-version';
import {
  defaultProgressBackoff,
  progressBackoffMs,
  ProgressContendedError,
  type ProgressBackoff,
} from './progress-backoff';

/** Completion is counted on this many rows, so parallel batches rarely contend for one. */
const counterShards = 16;

export const BatchResultSchema = z.object({
  kind: z.enum(['subscribe', 'unsubscribe']),
  segment: z.string(),
  /** Members Iterable confirmed. */
  succeeded: z.number().int(),
  /** Members Iterable refused (invalid, forgotten, ...): rejections with reasons. */
  rejected: z.number().int(),
  /** Members not sent or not confirmed because the batch failed; retried next run. */
  failed: z.number().int(),
  added: z.number().int(),
  updated: z.number().int(),
  removed: z.number().int(),
  /** The batch's failed and rejected members are listed in its result blob. */
  hasFailures: z.boolean(),
});
export type BatchResult = z.infer<typeof BatchResultSchema>;

/** A batch's result row: created once, whole, so its version is a column of the row. */
const batchResultFormat = versionedFormat({
  name: 'batch result (runs table)',
  schema: BatchResultSchema,
});

/**
 * A shard of completion marks, one character a batch ('1' when done). Every write sets the
 * whole row, marks and version together.
 */
const progressFormat = versionedFormat({
  name: 'batch progress marks (runs table)',
  schema: z.object({ marks: z.string().regex(/^[01]*$/) }),
});

export interface ShardMarks {
  /** Whether every batch of this shard, out of `batchCount`, is marked done. */
  shardComplete(batchCount: number): boolean;
}

/**
 * Per-run bookkeeping in the runs table (the tenant's partition): one result row per batch,
 * created once, and completion marks: each batch sets its own character in one of a few shard
 * rows. Setting a mark twice changes nothing, so a redelivered batch, or one whose worker died
 * between the two writes, is counted exactly once.
 */
export class RunProgress {
  readonly #backoff: ProgressBackoff;

  constructor(
    private readonly table: TableClient,
    backoff: Partial<ProgressBackoff> = {},
  ) {
    this.#backoff = { ...defaultProgressBackoff, ...backoff };
  }

  /**
   * Records a batch's result (the first one recorded stands) and marks the batch done. Returns
   * the batch's shard of marks as they are after its own, so the caller can tell whether it may
   * have been the last batch (only a batch that fills its shard can be).
   */
  async recordBatch(
    tenantId: string,
    exportId: string,
    runId: string,
    batch: number,
    result: BatchResult,
  ): Promise<ShardMarks> {
    try {
      const rowKey = batchKey(exportId, runId, batch);
      await this.table.createEntity({
        partitionKey: tenantId,
        rowKey,
        ...batchResultFormat.stamp(result),
      });
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw error;
    }
    const marks = await this.#markDone(tenantId, exportId, runId, batch);
    const shard = batch % counterShards;
    return {
      shardComplete(batchCount: number) {
        const expected = shard < batchCount ? Math.ceil((batchCount - shard) / counterShards) : 0;
        for (let position = 0; position < expected; position++)
          if (marks[position] !== '1') return false;
        return true;
      },
    };
  }

  async batchRecorded(
    tenantId: string,
    exportId: string,
    runId: string,
    batch: number,
  ): Promise<boolean> {
    try {
      await this.table.getEntity(tenantId, batchKey(exportId, runId, batch), {
        queryOptions: { select: ['RowKey'] },
      });
      return true;
    } catch (error) {
      if (statusCodeOf(error) === 404) return false;
      throw error;
    }
  }

  async completedBatches(tenantId: string, exportId: string, runId: string): Promise<number> {
    const prefix = `${exportId}|progress|${runId}|`;
    let done = 0;
    const rows = this.table.listEntities({
      queryOptions: {
        filter: odata`PartitionKey eq ${tenantId} and RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}`,
        select: ['marks', 'schemaVersion'],
      },
    });
    for await (const row of rows) {
      for (const mark of progressFormat.parse(row).marks) if (mark === '1') done++;
    }
    return done;
  }

  async results(
    tenantId: string,
    exportId: string,
    runId: string,
  ): Promise<(BatchResult & { batch: number })[]> {
    const prefix = `${exportId}|batch|${runId}|`;
    const found: (BatchResult & { batch: number })[] = [];
    const rows = this.table.listEntities({
      queryOptions: {
        filter: odata`PartitionKey eq ${tenantId} and RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}`,
      },
    });
    for await (const row of rows) {
      found.push({
        ...batchResultFormat.parse(row),
        batch: Number(String(row.rowKey).slice(prefix.length)),
      });
    }
    return found;
  }

  /** Sets the batch's mark; returns its shard's marks as written (or as found, if set). */
  async #markDone(
    tenantId: string,
    exportId: string,
    runId: string,
    batch: number,
  ): Promise<string> {
    const shard = batch % counterShards;
    const position = Math.floor(batch / counterShards);
    const rowKey = `${exportId}|progress|${runId}|${String(shard).padStart(2, '0')}`;
    for (let attempt = 1; ; attempt++) {
      let row: { marks: string; etag: string } | undefined;
      try {
        const entity = await this.table.getEntity(tenantId, rowKey);
        row = { ...progressFormat.parse(entity), etag: String(entity.etag) };
      } catch (error) {
        if (statusCodeOf(error) !== 404) throw error;
      }
      const marks = (row?.marks ?? '').padEnd(position + 1, '0');
      if (marks[position] === '1') return marks;
      const next = `${marks.slice(0, position)}1${marks.slice(position + 1)}`;
      try {
        const entity = { partitionKey: tenantId, rowKey, ...progressFormat.stamp({ marks: next }) };
        if (row) await this.table.updateEntity(entity, 'Replace', { etag: row.etag });
        else await this.table.createEntity(entity);
        return next;
      } catch (error) {
        // Another batch of this shard wrote first: wait a little longer each time, read again.
        const status = statusCodeOf(error);
        if (status !== 412 && status !== 409) throw error;
        if (attempt >= this.#backoff.maxAttempts) throw new ProgressContendedError(attempt);
        await this.#backoff.sleep(progressBackoffMs(attempt, this.#backoff));
      }
    }
  }
}

function batchKey(exportId: string, runId: string, batch: number): string {
  return `${exportId}|batch|${runId}|${String(batch).padStart(6, '0')}`;
}
