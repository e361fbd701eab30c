import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { statusCodeOf } from '../clients/azure-errors';
import type { SnapshotWritten } from './blob-created-event';

/** A segment written since its tenant's last refresh from events, waiting for quiet. */
export interface PendingSegment {
  segment: string;
  /** The newest blob-created event time seen for it. */
  lastEventTime: string;
  /** When this service last received an event for it (its own clock): the quiet window's start. */
  receivedAt: string;
  etag: string;
}

// In the tenant's partition of the schedules table, beside `platformRefreshes`. Row keys cannot
// hold `#` or `?`, which segment names may: the name is percent-encoded in the key.
const prefix = 'segmentEvent|';
// '}' sorts right after '|', so it bounds the prefix.
const prefixEnd = 'segmentEvent}';
const rowKey = (segment: string) => `${prefix}${encodeURIComponent(segment)}`;

const RowSchema = z.object({
  segment: z.string(),
  lastEventTime: z.string(),
  receivedAt: z.string(),
  etag: z.string(),
});

/** Attempts to move a row's event time forward while other events for it are written at once. */
const maxAttempts = 4;

/**
 * The debounce state of blob-created events: one row per tenant and segment written since the
 * tenant's last refresh from events. Rows are written by each event and removed by the refresh
 * that used them, only if no event changed them meanwhile (their ETag).
 */
export class SegmentEventRows {
  constructor(private readonly table: TableClient) {}

  /** Notes the write; the event time only moves forward (Event Grid may deliver out of order). */
  async record(write: SnapshotWritten, receivedAt: Date): Promise<void> {
    const entity = {
      partitionKey: write.tenantId,
      rowKey: rowKey(write.segment),
      kind: 'segmentEvent',
      segment: write.segment,
      blobName: write.blobName,
      lastEventTime: write.eventTime,
      receivedAt: receivedAt.toISOString(),
    };
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const existing = await this.#get(write.tenantId, write.segment);
      try {
        if (!existing) {
          await this.table.createEntity(entity);
          return;
        }
        const lastEventTime =
          Date.parse(existing.lastEventTime) > Date.parse(write.eventTime)
            ? existing.lastEventTime
            : write.eventTime;
        await this.table.updateEntity({ ...entity, lastEventTime }, 'Replace', {
          etag: existing.etag,
        });
        return;
      } catch (error) {
        // Another event for the segment wrote first: read it again.
        if (statusCodeOf(error) !== 409 && statusCodeOf(error) !== 412) throw error;
      }
    }
    throw new Error(`Events for segment rows of tenant ${write.tenantId} kept conflicting`);
  }

  async pending(tenantId: string): Promise<PendingSegment[]> {
    const found: PendingSegment[] = [];
    const rows = this.table.listEntities({
      queryOptions: {
        filter: odata`PartitionKey eq ${tenantId} and RowKey ge ${prefix} and RowKey lt ${prefixEnd}`,
        select: ['segment', 'lastEventTime', 'receivedAt'],
      },
    });
    for await (const row of rows) {
      const parsed = RowSchema.safeParse(row);
      if (parsed.success) found.push(parsed.data);
    }
    return found;
  }

  /** Removes rows the refresh used; one an event changed since stays for the next refresh. */
  async remove(tenantId: string, rows: PendingSegment[]): Promise<void> {
    await Promise.all(
      rows.map(async (row) => {
        try {
          await this.table.deleteEntity(tenantId, rowKey(row.segment), { etag: row.etag });
        } catch (error) {
          const status = statusCodeOf(error);
          if (status !== 404 && status !== 412) throw error;
        }
      }),
    );
  }

  async #get(tenantId: string, segment: string): Promise<PendingSegment | undefined> {
    try {
      return RowSchema.parse(await this.table.getEntity(tenantId, rowKey(segment)));
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }
}
