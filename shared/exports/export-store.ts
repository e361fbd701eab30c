import type { TableClient, TransactionAction } from '@azure/data-tables';
import { z } from 'zod';
import { storedChangeStampFields } from '../change-stamps';
import { LimitReachedError } from '../fair-use/limit-reached-error';
import { ConflictError } from '../errors';
import { countChange, exportRowsBelow, readExportCount, type ExportCount } from './export-count';
import {
  ExportScheduleSchema,
  RemovalThresholdsSchema,
  SyncModeSchema,
  type SavedExport,
} from './export-schemas';
import { getOrUndefined, statusCodeOf } from '../clients/azure-errors';
import { rowsAfter } from '../clients/table-pages';
import type { SweepIndex } from './sweep-index';

const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((text): z.infer<T> => schema.parse(JSON.parse(text)));

/** An export row; lists of segments, mapped fields and the schedule are JSON columns. */
const ExportEntitySchema = z.object({
  partitionKey: z.string(),
  rowKey: z.string(),
  displayName: z.string(),
  connectionId: z.string(),
  segments: json(z.array(z.string())),
  emailField: z.string(),
  dataFields: json(z.record(z.string(), z.string())),
  syncMode: SyncModeSchema,
  schedule: json(ExportScheduleSchema),
  enabled: z.boolean(),
  removalThresholds: json(RemovalThresholdsSchema)
    .nullish()
    .transform((value) => value ?? undefined),
  ...storedChangeStampFields(),
});

export type ExportRecord = SavedExport & { tenantId: string; etag?: string };

/**
 * Exports, one partition per tenant (the connections check reads `connectionId` from here too),
 * beside the tenant's export count (export-count.ts). A store that saves exports keeps the refresh
 * sweep's index in step (sweep-index.ts): an entry is written before the row that schedules its
 * export and removed after the row that unschedules it, so the index never misses a scheduled
 * export. A store built without the index only reads.
 */
export class ExportStore {
  constructor(
    private readonly table: TableClient,
    private readonly sweepIndex?: SweepIndex,
  ) {}

  async get(tenantId: string, id: string): Promise<ExportRecord | undefined> {
    return getOrUndefined(async () => toRecord(await this.table.getEntity(tenantId, id)));
  }

  /**
   * Up to `max` of the tenant's exports after `afterId`, in id order: the API's pages and the
   * refresh timer's. Keyset paging, so exports saved or deleted meanwhile never shift a page.
   */
  async pageAfter(
    tenantId: string,
    afterId: string,
    max: number,
  ): Promise<{ records: ExportRecord[]; done: boolean }> {
    const range = { after: afterId, below: exportRowsBelow };
    const page = await rowsAfter(this.table, tenantId, range, max);
    return { records: page.rows.map(toRecord), done: page.done };
  }

  /**
   * Saves a new export if the tenant has fewer than `maxExports`: the export row and the count
   * are written in one transaction, conditional on the count as read (429 when full).
   */
  async create(record: ExportRecord, maxExports: number): Promise<void> {
    const index = this.#index();
    const entryEtag = record.schedule.mode !== 'off' ? await index.save(record) : undefined;
    const rowEtag = await this.#counted(record.tenantId, 1, (count) => {
      if (count.count >= maxExports) throw new LimitReachedError('exportsPerTenant', maxExports);
      return ['create', toEntity(record)];
    });
    if (entryEtag && rowEtag) await index.confirm(record, entryEtag, rowEtag);
  }

  /**
   * The entry is written (unconfirmed) before the row, and confirmed after it unless another
   * save wrote the entry meanwhile; an export being unscheduled loses its confirmation first and
   * its entry after the row.
   */
  async update(record: ExportRecord): Promise<void> {
    const index = this.#index();
    let entryEtag: string | undefined;
    if (record.schedule.mode !== 'off') entryEtag = await index.save(record);
    else await index.unconfirm(record.tenantId, record.id);
    try {
      const { etag } = await this.table.updateEntity(toEntity(record), 'Replace', {
        etag: record.etag,
      });
      if (record.schedule.mode === 'off') await index.save(record);
      else if (entryEtag && etag) await index.confirm(record, entryEtag, etag);
    } catch (error) {
      if (statusCodeOf(error) === 412) {
        throw new ConflictError(
          'The export was changed by another request; read it and try again.',
        );
      }
      throw error;
    }
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const index = this.#index();
    await index.unconfirm(tenantId, id);
    await this.#counted(tenantId, -1, () => ['delete', { partitionKey: tenantId, rowKey: id }]);
    await index.remove(tenantId, id);
  }

  #index(): SweepIndex {
    if (!this.sweepIndex) throw new Error('This export store was built to read only');
    return this.sweepIndex;
  }

  /**
   * Writes one export row with the count moved by `change`; a count changed meanwhile retries.
   * The row's new version (none for a delete).
   */
  async #counted(
    tenantId: string,
    change: 1 | -1,
    write: (count: ExportCount) => TransactionAction,
  ): Promise<string | undefined> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const count = await readExportCount(this.table, tenantId);
      try {
        const response = await this.table.submitTransaction([
          write(count),
          countChange(tenantId, count, change),
        ]);
        // The answers of a transaction come in the order of its actions.
        return response.subResponses[0]?.etag;
      } catch (error) {
        const status = statusCodeOf(error);
        // 404: the export to delete is gone already (another request deleted it).
        if (status === 404 && change < 0) return undefined;
        if (status !== 412) throw error;
      }
    }
    throw new ConflictError('Other exports were saved or deleted at the same moment; try again.');
  }
}

function toEntity(record: ExportRecord) {
  const { id, tenantId, etag: _etag, segments, dataFields, schedule, ...fields } = record;
  const { removalThresholds, ...plain } = fields;
  return {
    partitionKey: tenantId,
    rowKey: id,
    ...plain,
    segments: JSON.stringify(segments),
    dataFields: JSON.stringify(dataFields),
    schedule: JSON.stringify(schedule),
    ...(removalThresholds ? { removalThresholds: JSON.stringify(removalThresholds) } : {}),
  };
}

function toRecord(entity: unknown): ExportRecord {
  const { partitionKey, rowKey, removalThresholds, ...fields } = ExportEntitySchema.parse(entity);
  return {
    ...fields,
    ...(removalThresholds ? { removalThresholds } : {}),
    id: rowKey,
    tenantId: partitionKey,
  };
}
