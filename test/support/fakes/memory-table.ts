/* eslint-disable @typescript-eslint/require-await -- an in-memory fake answers at once, behind the same async methods as the client it stands in for */
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { storageError } from './storage-error';

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string; etag: string };
type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

let etagCounter = 0;

/**
 * A table in memory with the rules the stores rely on: create refuses an existing row (409),
 * update and delete with an ETag refuse a changed row (412), a transaction writes all of its
 * actions or none, and queries take the `odata` filters the stores build (comparisons joined by
 * `and`). `asTableClient` hands it to code typed with the SDK's class.
 */
export class MemoryTable {
  readonly rows = new Map<string, Row>();

  asTableClient(): TableClient {
    return this as unknown as TableClient;
  }

  async getEntity(partitionKey: string, rowKey: string) {
    const row = this.rows.get(key(partitionKey, rowKey));
    if (!row) throw storageError(404, `ResourceNotFound: ${partitionKey}/${rowKey}`);
    return structuredClone(row);
  }

  async createEntity(entity: Entity) {
    return this.submitTransaction([['create', entity]]);
  }

  async updateEntity(entity: Entity, mode: 'Merge' | 'Replace' = 'Merge', options?: Etagged) {
    return this.submitTransaction([['update', entity, mode, options ?? {}]]);
  }

  async upsertEntity(entity: Entity, mode: 'Merge' | 'Replace' = 'Merge') {
    return this.submitTransaction([['upsert', entity, mode]]);
  }

  async deleteEntity(partitionKey: string, rowKey: string, options?: Etagged) {
    const action = ['delete', { partitionKey, rowKey }, options ?? {}];
    return this.submitTransaction([action as unknown as TransactionAction]);
  }

  /** Checks every action against the rows as they are, then applies them all. */
  async submitTransaction(actions: TransactionAction[]) {
    const next = new Map(this.rows);
    // The answers come in the order of the actions, each with the ETag its row now has.
    const subResponses = actions.map((action) => ({
      status: 204,
      etag: applyAction(next, action),
    }));
    this.rows.clear();
    for (const [rowKey, row] of next) this.rows.set(rowKey, row);
    return { status: 202, subResponses, etag: subResponses[0]?.etag };
  }

  listEntities(options: { queryOptions?: { filter?: string } } = {}) {
    const conditions = parseFilter(options.queryOptions?.filter ?? '');
    const matching = [...this.rows.values()]
      .filter((row) => conditions.every((condition) => condition(row)))
      .sort((a, b) => compare(a.partitionKey, b.partitionKey) || compare(a.rowKey, b.rowKey))
      .map((row) => structuredClone(row));
    return {
      async *[Symbol.asyncIterator]() {
        yield* matching;
      },
      async *byPage(settings: { maxPageSize?: number } = {}) {
        const size = settings.maxPageSize ?? 1000;
        for (let start = 0; start < matching.length; start += size)
          yield matching.slice(start, start + size);
      },
    };
  }
}

interface Etagged {
  etag?: string;
}

function key(partitionKey: string, rowKey: string): string {
  return `${partitionKey}\n${rowKey}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function stored(entity: Entity): Row {
  return { ...structuredClone(entity), etag: `W/"datetime'${++etagCounter}'"` };
}

/** Applies an action to the rows; returns the ETag of the row it wrote (none for a delete). */
function applyAction(rows: Map<string, Row>, action: TransactionAction): string | undefined {
  const [kind, entity] = action as unknown as [string, Entity, unknown, unknown];
  const rowKey = key(entity.partitionKey, entity.rowKey);
  const current = rows.get(rowKey);
  const { etag: _ignored, ...fields } = entity as Entity & { etag?: unknown };
  switch (kind) {
    case 'create':
      if (current) throw storageError(409, `EntityAlreadyExists: ${entity.rowKey}`);
      return put(rows, rowKey, stored(fields));
    case 'update': {
      const [, , mode, options] = action as unknown as [string, Entity, string, Etagged?];
      if (!current) throw storageError(404, `ResourceNotFound: ${entity.rowKey}`);
      checkEtag(current, options?.etag);
      return put(rows, rowKey, stored(mode === 'Replace' ? fields : { ...current, ...fields }));
    }
    case 'upsert': {
      const [, , mode] = action as unknown as [string, Entity, string];
      const merged = mode === 'Replace' || !current ? fields : { ...current, ...fields };
      return put(rows, rowKey, stored(merged));
    }
    case 'delete': {
      const [, , options] = action as unknown as [string, Entity, Etagged?];
      if (!current) throw storageError(404, `ResourceNotFound: ${entity.rowKey}`);
      checkEtag(current, options?.etag);
      rows.delete(rowKey);
      return undefined;
    }
    default:
      throw new Error(`MemoryTable does not support the ${kind} action`);
  }
}

function put(rows: Map<string, Row>, rowKey: string, row: Row): string {
  rows.set(rowKey, row);
  return row.etag;
}

function checkEtag(current: Row, etag: string | undefined): void {
  if (etag && etag !== '*' && etag !== current.etag)
    throw storageError(412, `UpdateConditionNotSatisfied: ${current.rowKey}`);
}

type Condition = (row: Row) => boolean;

const comparison = /^\s*(\w+)\s+(eq|ne|gt|ge|lt|le)\s+('(?:[^']|'')*'|[\w.+-]+)\s*/;

/** `Name op value` comparisons joined by `and`, as the `odata` template writes them. */
function parseFilter(filter: string): Condition[] {
  const conditions: Condition[] = [];
  let rest = filter.trim();
  while (rest) {
    const match = comparison.exec(rest);
    if (!match) throw new Error(`MemoryTable cannot read the filter: ${filter}`);
    const [whole, name, operator, literal] = match as unknown as [string, string, string, string];
    conditions.push(conditionOf(name, operator, valueOf(literal)));
    rest = rest.slice(whole.length).replace(/^and\s+/, '');
  }
  return conditions;
}

function valueOf(literal: string): unknown {
  if (literal.startsWith("'")) return literal.slice(1, -1).replaceAll("''", "'");
  if (literal === 'true' || literal === 'false') return literal === 'true';
  return Number(literal);
}

function conditionOf(name: string, operator: string, value: unknown): Condition {
  const field = name === 'PartitionKey' ? 'partitionKey' : name === 'RowKey' ? 'rowKey' : name;
  return (row) => {
    const actual = row[field] as string | number | boolean | undefined;
    if (actual === undefined) return operator === 'ne';
    const target = value as string | number | boolean;
    switch (operator) {
      case 'eq':
        return actual === target;
      case 'ne':
        return actual !== target;
      case 'gt':
        return actual > target;
      case 'ge':
        return actual >= target;
      case 'lt':
        return actual < target;
      default:
        return actual <= target;
    }
  };
}
