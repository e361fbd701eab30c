import type { TableClient, TableEntityResult } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { z } from 'zod';
import { ValidationError } from '../errors';
import { statusCodeOf } from './azure-errors';

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
  return rowsWhere(table, filter, max);
}

/**
 * Up to `max` rows that match `filter`, in key order (PartitionKey, then RowKey): rowsAfter's
 * paging for a filter of the caller's, such as a range of partitions.
 */
export async function rowsWhere(table: TableClient, filter: string, max: number): Promise<KeyPage> {
  const rows: KeyPage['rows'] = [];
  const pages = table.listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: max });
  for await (const page of pages) {
    rows.push(...page);
    if (rows.length >= max) return { rows: rows.slice(0, max), done: false };
  }
  return { rows, done: true };
}

/**
 * The rows of one `kind` in a partition whose RowKey is greater than `after`, in RowKey order,
 * read page by page only as far as the caller iterates (a caller that filters needs a varying
 * number). For tables whose partitions hold rows of several kinds.
 */
export function rowsOfKindAfter(
  table: TableClient,
  partitionKey: string,
  kind: string,
  after: string,
): AsyncIterable<TableEntityResult<Record<string, unknown>>> {
  return table.listEntities({
    queryOptions: {
      filter: odata`PartitionKey eq ${partitionKey} and kind eq ${kind} and RowKey gt ${after}`,
    },
  });
}

/** What the Tables SDK puts in a continuation token: base64 of this JSON. */
const ContinuationTokenSchema = z.strictObject({
  nextPartitionKey: z.string().min(1),
  nextRowKey: z.string().optional(),
});

export interface QueryPage {
  rows: unknown[];
  continuationToken?: string;
}

/**
 * One page of up to `pageSize` of the listed `entities`, from where `skipToken` (a continuation
 * token this API gave out as `$skipToken`) left off. The SDK decodes a token before sending
 * anything and throws what it cannot decode, so the token's shape is checked first: a token the
 * API never issued, or one the service refuses, is the caller's mistake (400), not ours.
 */
export async function pageOf(
  entities: ReturnType<TableClient['listEntities']>,
  pageSize: number,
  skipToken?: string,
): Promise<QueryPage> {
  // An empty token is no token, as the SDK takes it.
  if (skipToken && !issuedToken(skipToken)) throw invalidSkipToken();
  const next = await entities
    .byPage({ maxPageSize: pageSize, continuationToken: skipToken || undefined })
    .next()
    .catch((error: unknown) => {
      if (skipToken && statusCodeOf(error) === 400) throw invalidSkipToken(error);
      throw error;
    });
  const page = next.value as (unknown[] & { continuationToken?: string }) | undefined;
  return { rows: page ?? [], continuationToken: page?.continuationToken };
}

/** Whether a token has the shape the SDK gives its tokens (and decodes them from, as latin1). */
function issuedToken(token: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return false;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64').toString('latin1'));
    return ContinuationTokenSchema.safeParse(decoded).success;
  } catch {
    return false;
  }
}

export function invalidSkipToken(cause?: unknown): ValidationError {
  return new ValidationError('The $skipToken is not valid.', { target: '$skipToken', cause });
}

/** Up to `top` items in id order, and whether more follow (the last page has no nextLink). */
export interface IdPage<T> {
  value: T[];
  more: boolean;
}

/**
 * The first `top` items made of `records` (read in id order), skipping those `toItem` leaves out;
 * one more is read only to know whether another page follows.
 */
export async function takeIdPage<R, T>(
  records: AsyncIterable<R>,
  top: number,
  toItem: (record: R) => T | undefined,
): Promise<IdPage<T>> {
  const value: T[] = [];
  for await (const record of records) {
    const item = toItem(record);
    if (item === undefined) continue;
    if (value.length === top) return { value, more: true };
    value.push(item);
  }
  return { value, more: false };
}
