import type { TableClient, TableTransactionResponse, TransactionAction } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { z } from 'zod';
import { RunSchema, type Run } from './run-schemas';
import { statusCodeOf } from '../clients/azure-errors';
import { pageOf } from '../clients/table-pages';
import { runIdTime } from './run-id';
import { versionedFormat } from '../schema-version';
import type { SeatClaim } from './active-run-seats';
import type { RunEvents } from './run-events';

/** Row keys sort ascending, so newer runs get smaller keys. */
const maxTimestamp = 9_999_999_999_999;

const RunEntitySchema = z.object({ rowKey: z.string(), run: z.string(), etag: z.string() });

/**
 * A run row's `run` column. The version travels inside the JSON, not in a column of its own: a
 * save merges the `run` column alone, so only the JSON always says which release wrote it.
 */
const storedRunFormat = versionedFormat({
  name: 'run record (runs table)',
  schema: RunSchema,
});

/**
 * An export's active-run marker row: written once, whole, so its version is a column. `seats`
 * (JSON, row keys) names the active-run seats the run holds; markers written before seats have none.
 */
const markerFormat = versionedFormat({
  name: 'active-run marker (runs table)',
  schema: z.object({ runId: z.string(), runRowKey: z.string(), seats: z.string().optional() }),
});

export type StoredRun = Run & { rowKey: string; etag: string };

/**
 * Runs, in the tenant's partition, keyed `{exportId}|{inverted time}|{runId}` so an export's runs
 * list newest first. A marker row `{exportId}|active` names the active run; it is created in the
 * same transaction as the run, so two concurrent requests can never both start one.
 */
export class RunStore {
  constructor(
    private readonly table: TableClient,
    /** Told of every run that ends or is held (webhooks); none in tools and tests. */
    private readonly events?: RunEvents,
    /** Told of every transaction written, with its answer (the versions of the rows it wrote). */
    private readonly committed?: (
      actions: TransactionAction[],
      response: TableTransactionResponse,
    ) => void,
  ) {}

  /**
   * Creates the run and its marker; false (nothing written) when another run is active. Actions
   * `alongside` (rows of the same partition, such as a schedule slot's claim) are part of the same
   * transaction, so their conflicts also mean that nothing was written.
   */
  async start(
    tenantId: string,
    run: Run,
    alongside: TransactionAction[] = [],
    seats: SeatClaim = { keys: [], actions: [] },
  ): Promise<boolean> {
    const rowKey = runRowKey(run);
    return this.#submitUnlessConflict([
      ...alongside,
      ...seats.actions,
      [
        'create',
        {
          partitionKey: tenantId,
          rowKey: markerKey(run.exportId),
          kind: 'marker',
          ...markerFormat.stamp({
            runId: run.id,
            runRowKey: rowKey,
            ...(seats.keys.length ? { seats: JSON.stringify(seats.keys) } : {}),
          }),
        },
      ],
      ['create', runEntity(tenantId, run)],
    ]);
  }

  /**
   * Writes a run that has already ended without holding its export (a skipped scheduled slot),
   * with the actions `alongside` in one transaction; false (nothing written) on a conflict.
   */
  async record(tenantId: string, run: Run, alongside: TransactionAction[] = []): Promise<boolean> {
    return this.#submitUnlessConflict([...alongside, ['create', runEntity(tenantId, run)]]);
  }

  async active(tenantId: string, exportId: string): Promise<StoredRun | undefined> {
    try {
      const marker = markerFormat.parse(await this.table.getEntity(tenantId, markerKey(exportId)));
      return await this.#read(tenantId, marker.runRowKey);
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** The id of the run that holds the export (its marker names it), if any. */
  async activeRunId(tenantId: string, exportId: string): Promise<string | undefined> {
    return (await this.#marker(tenantId, exportId))?.runId;
  }

  async get(tenantId: string, exportId: string, runId: string): Promise<StoredRun | undefined> {
    const createdAt = runIdTime(runId);
    if (createdAt !== undefined) {
      try {
        return await this.#read(tenantId, rowKeyOf(exportId, createdAt, runId));
      } catch (error) {
        if (statusCodeOf(error) === 404) return undefined;
        throw error;
      }
    }
    // A run id that carries no time (not made by newRunId) is found by its columns.
    const rows = this.table.listEntities({
      queryOptions: {
        filter: odata`PartitionKey eq ${tenantId} and exportId eq ${exportId} and runId eq ${runId}`,
      },
    });
    for await (const entity of rows) return toStored(entity);
    return undefined;
  }

  async page(tenantId: string, exportId: string, pageSize: number, continuationToken?: string) {
    // Run rows start with a digit after the bar; ':' sorts right after '9', the marker ('a…') later.
    const filter = odata`PartitionKey eq ${tenantId} and RowKey ge ${`${exportId}|0`} and RowKey lt ${`${exportId}|:`}`;
    const page = await pageOf(
      this.table.listEntities({ queryOptions: { filter } }),
      pageSize,
      continuationToken,
    );
    return { value: page.rows.map(toStored), continuationToken: page.continuationToken };
  }

  /** Saves a changed run if nobody changed it since it was read; false when someone did. */
  async save(tenantId: string, run: StoredRun): Promise<boolean> {
    const { rowKey, etag, ...fields } = run;
    try {
      await this.table.updateEntity(
        { partitionKey: tenantId, rowKey, run: storedRunFormat.serialize(fields) },
        'Merge',
        { etag },
      );
      return true;
    } catch (error) {
      if (statusCodeOf(error) === 412) return false;
      throw error;
    }
  }

  /**
   * Saves a changed run, as `save` does, with the actions `alongside` (rows of the same
   * partition) in one transaction; false (nothing written) when the run changed or a row conflicts.
   */
  async saveWith(
    tenantId: string,
    run: StoredRun,
    alongside: TransactionAction[],
  ): Promise<boolean> {
    return this.#submitUnlessConflict([runUpdate(tenantId, run), ...alongside]);
  }

  /**
   * Saves a run the mass-removal guard holds (`awaitingConfirmation`), as `save` does, and tells
   * the listeners once it is saved: an Admin has to act on it.
   */
  async hold(tenantId: string, run: StoredRun): Promise<boolean> {
    if (!(await this.save(tenantId, run))) return false;
    const { rowKey: _rowKey, etag: _etag, ...fields } = run;
    await this.events?.runChanged(tenantId, fields);
    return true;
  }

  /**
   * Saves a run that has ended and frees its export and its seats for other runs, atomically.
   * Every way a run ends comes here, so this is where the listeners hear of it, once.
   */
  async finish(tenantId: string, run: StoredRun): Promise<boolean> {
    const { rowKey: _rowKey, etag: _etag, ...fields } = run;
    const marker = await this.#marker(tenantId, run.exportId);
    const seats: string[] =
      marker?.runId === run.id && marker.seats ? parseSeats(marker.seats) : [];
    try {
      await this.table.submitTransaction([
        runUpdate(tenantId, run),
        ['delete', { partitionKey: tenantId, rowKey: markerKey(run.exportId) }],
        ...seats.map((seat): TransactionAction => [
          'delete',
          { partitionKey: tenantId, rowKey: seat },
        ]),
      ]);
    } catch (error) {
      const status = statusCodeOf(error);
      if (status === 412 || status === 404) return false;
      throw error;
    }
    await this.events?.runChanged(tenantId, fields);
    return true;
  }

  async #submitUnlessConflict(actions: TransactionAction[]): Promise<boolean> {
    try {
      const response = await this.table.submitTransaction(actions);
      this.committed?.(actions, response);
      return true;
    } catch (error) {
      // 409: a row to create exists; 412: a row to update changed since it was read.
      const status = statusCodeOf(error);
      if (status === 409 || status === 412) return false;
      throw error;
    }
  }

  async #marker(tenantId: string, exportId: string) {
    try {
      return markerFormat.parse(await this.table.getEntity(tenantId, markerKey(exportId)));
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }

  async #read(tenantId: string, rowKey: string): Promise<StoredRun> {
    return toStored(await this.table.getEntity(tenantId, rowKey));
  }
}

function runRowKey(run: Run): string {
  return rowKeyOf(run.exportId, Date.parse(run.createdAt), run.id);
}

function rowKeyOf(exportId: string, createdAtMs: number, runId: string): string {
  return `${exportId}|${String(maxTimestamp - createdAtMs).padStart(13, '0')}|${runId}`;
}

function runEntity(tenantId: string, run: Run) {
  return {
    partitionKey: tenantId,
    rowKey: runRowKey(run),
    kind: 'run',
    exportId: run.exportId,
    runId: run.id,
    run: storedRunFormat.serialize(run),
  };
}

/** Saving a run as read: its record merged, on the ETag it was read with. */
function runUpdate(tenantId: string, run: StoredRun): TransactionAction {
  const { rowKey, etag, ...fields } = run;
  return [
    'update',
    { partitionKey: tenantId, rowKey, run: storedRunFormat.serialize(fields) },
    'Merge',
    { etag },
  ];
}

function parseSeats(text: string): string[] {
  return z.array(z.string()).parse(JSON.parse(text));
}

function markerKey(exportId: string): string {
  return `${exportId}|active`;
}

function toStored(entity: unknown): StoredRun {
  const { rowKey, run, etag } = RunEntitySchema.parse(entity);
  return { ...storedRunFormat.parse(JSON.parse(run)), rowKey, etag };
}
