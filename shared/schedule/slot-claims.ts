import type { TableClient, TableTransactionResponse, TransactionAction } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { z } from 'zod';
import { statusCodeOf } from '../clients/azure-errors';
import type { Run } from '../runs/run-schemas';
import type { CursorPosition } from './due-slots';

export interface SlotCursor extends CursorPosition {
  etag: string;
}

const CursorEntitySchema = z.object({
  exportId: z.string(),
  lastSlot: z.string(),
  scheduleKey: z.string(),
  etag: z.string(),
});

const maxCommitted = 10_000;
const committedKey = (tenantId: string, exportId: string) => `${tenantId}|${exportId}`;

// Export ids are UUIDs (hex digits), so these prefixes never meet an export's own rows.
const cursorKey = (exportId: string) => `schedule|${exportId}`;
const slotKey = (exportId: string, slot: string) => `slot|${exportId}|${slot}`;

/**
 * Claims of schedule slots, kept in the runs table beside the runs they yield (the tenant's
 * partition), so a claim is written in the same transaction as its run or skipped record:
 *
 * - `slot|{exportId}|{slot}`: one row per slot, only ever created. A second claim of the same
 *   slot fails on it (409) and writes nothing, however many timers race for the slot.
 * - `schedule|{exportId}`: the export's cursor, the last slot claimed and the schedule it was
 *   claimed under. A claim moves it only if nobody moved it since it was read (etag), so a late
 *   timer can never claim an older slot after a newer one. The timer reads the cursors of a whole
 *   page of exports in one query, and writes nothing for an export that is not due.
 */
export class SlotClaims {
  /** Cursors this process's claims wrote, by tenant and export, until taken. */
  readonly #committed = new Map<string, SlotCursor>();

  constructor(private readonly table: TableClient) {}

  /**
   * Keeps the cursors a written transaction moved, with the versions it gave them, so whoever
   * claimed can take the cursor as it now is without reading it. The answers of a transaction
   * come in the order of its actions.
   */
  noteCommitted(actions: TransactionAction[], response: TableTransactionResponse): void {
    actions.forEach((action, at) => {
      const entity = action[1] as Record<string, unknown>;
      const etag = response.subResponses[at]?.etag;
      if (entity.kind !== 'scheduleCursor' || !etag) return;
      const cursor = CursorEntitySchema.safeParse({ ...entity, etag });
      if (!cursor.success) return;
      // Taken right after the claim; a claim whose caller failed meanwhile leaves its cursor here.
      if (this.#committed.size >= maxCommitted) this.#committed.clear();
      const { exportId, ...moved } = cursor.data;
      this.#committed.set(committedKey(String(entity.partitionKey), exportId), moved);
    });
  }

  /** The cursor the last claim of the export in this process wrote, once. */
  takeCommitted(tenantId: string, exportId: string): SlotCursor | undefined {
    const key = committedKey(tenantId, exportId);
    const cursor = this.#committed.get(key);
    this.#committed.delete(key);
    return cursor;
  }

  async cursor(tenantId: string, exportId: string): Promise<SlotCursor | undefined> {
    try {
      return toCursor(await this.table.getEntity(tenantId, cursorKey(exportId))).cursor;
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** The cursors of some exports of one tenant, read in one range query over their ids. */
  async cursors(tenantId: string, exportIds: string[]): Promise<Map<string, SlotCursor>> {
    const found = new Map<string, SlotCursor>();
    if (exportIds.length === 0) return found;
    const sorted = [...exportIds].sort();
    const wanted = new Set(sorted);
    const first = cursorKey(sorted[0] ?? '');
    const last = cursorKey(sorted.at(-1) ?? '');
    const rows = this.table.listEntities({
      queryOptions: {
        filter: odata`PartitionKey eq ${tenantId} and RowKey ge ${first} and RowKey le ${last}`,
      },
    });
    for await (const row of rows) {
      const { exportId, cursor } = toCursor(row);
      if (wanted.has(exportId)) found.set(exportId, cursor);
    }
    return found;
  }

  /**
   * The transaction actions that claim `slot` for `run`: create the slot's row, and move the
   * cursor from where it was read (`cursor`, or create it when there was none).
   */
  actions(
    tenantId: string,
    run: Run & { slot: string },
    scheduleKey: string,
    cursor: SlotCursor | undefined,
  ): TransactionAction[] {
    const moved = {
      partitionKey: tenantId,
      rowKey: cursorKey(run.exportId),
      kind: 'scheduleCursor',
      exportId: run.exportId,
      lastSlot: run.slot,
      scheduleKey,
    };
    return [
      [
        'create',
        {
          partitionKey: tenantId,
          rowKey: slotKey(run.exportId, run.slot),
          kind: 'slot',
          exportId: run.exportId,
          slot: run.slot,
          // Not `runId`: run lookups filter on that column and must find only run rows.
          outcomeRunId: run.id,
          outcome: run.status,
        },
      ],
      cursor ? ['update', moved, 'Replace', { etag: cursor.etag }] : ['create', moved],
    ];
  }
}

function toCursor(entity: unknown): { exportId: string; cursor: SlotCursor } {
  const { exportId, ...cursor } = CursorEntitySchema.parse(entity);
  return { exportId, cursor };
}
