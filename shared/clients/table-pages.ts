import type { TableClient, TableEntityResult } from '@azure/data-tables';
import { odata } from '@azure/data-tables';

export interface KeyPage {
  rows: TableEntityResult<Record<string, unknown>>[];
  /** No rows follow in the range. */
  done: boolean;
}

/**
 * Up to `max` rows of one partition whose RowKey is greater than `after` (and less than `below`),
 * in RowKey order. Keyset paging: the caller continues after the last row's RowKey, so the
 * position is a plain key that can be stored, and rows added meanwhile never shift a page. The
 * service may answer a query in several pages (even empty ones), so pages are read until `max`.
 */
export async function rowsAfter(
  table: TableClient,
  partitionKey: string,
  range: { after: string; below?: string },
  max: number,
): Promise<KeyPage> {
  const filter =
    range.below === undefined
      ? odata`PartitionKey eq ${partitionKey} and RowKey gt ${range.after}`
      : odata`PartitionKey eq ${partitionKey} and RowKey gt ${range.after} and RowKey lt ${range.below}`;
  const rows: KeyPage['rows'] = [];
  const pages = table.listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: max });
  for await (const page of pages) {
    rows.push(...page);
    if (rows.length >= max) return { rows: rows.slice(0, max), done: false };
  }
  return { rows, done: true };
}
