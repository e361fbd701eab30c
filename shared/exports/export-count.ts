import type { TableClient, TransactionAction } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { z } from 'zod';
import { statusCodeOf } from '../clients/azure-errors';

/**
 * Export ids are UUIDs (hex digits and dashes), so every export row sorts before `~`, and the
 * count row after all of them: a query of exports reads keys below `~` and never meets it.
 */
export const exportRowsBelow = '~';
const countKey = '~export-count';

export interface ExportCount {
  count: number;
  etag: string;
}

const CountEntitySchema = z.object({ count: z.number().int().min(0), etag: z.string() });

/**
 * How many exports the tenant has, from the count row in its partition. Every create and delete
 * moves that row in the same transaction as the export row, on its ETag, so concurrent requests
 * on any instance can never both take the last place. A tenant without the row (saved before it
 * existed) is counted once, and the row created; should two requests do that at once, one row
 * is created and both read it.
 */
export async function readExportCount(table: TableClient, tenantId: string): Promise<ExportCount> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return CountEntitySchema.parse(await table.getEntity(tenantId, countKey));
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
    }
    const count = await countExportRows(table, tenantId);
    try {
      await table.createEntity({ partitionKey: tenantId, rowKey: countKey, kind: 'count', count });
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw error;
    }
  }
  throw new Error(`The export count of tenant '${tenantId}' could not be read.`);
}

/** The transaction action that moves the count from what was read by `change`. */
export function countChange(
  tenantId: string,
  read: ExportCount,
  change: 1 | -1,
): TransactionAction {
  return [
    'update',
    {
      partitionKey: tenantId,
      rowKey: countKey,
      kind: 'count',
      count: Math.max(0, read.count + change),
    },
    'Replace',
    { etag: read.etag },
  ];
}

async function countExportRows(table: TableClient, tenantId: string): Promise<number> {
  let count = 0;
  const rows = table.listEntities({
    queryOptions: {
      filter: odata`PartitionKey eq ${tenantId} and RowKey lt ${exportRowsBelow}`,
      select: ['RowKey'],
    },
  });
  for await (const _row of rows) count++;
  return count;
}
