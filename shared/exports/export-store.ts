import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { z } from 'zod';
import { ConflictError } from '../http/errors';
import { ExportScheduleSchema, SyncModeSchema, type Export } from './export-schemas';
import { statusCodeOf } from '../clients/azure-errors';
import { rowsAfter } from '../clients/table-pages';

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
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  etag: z.string(),
});

export type ExportRecord = Export & { tenantId: string; etag?: string };

/** Exports, one partition per tenant (the connections check reads `connectionId` from here too). */
export class ExportStore {
  constructor(private readonly table: TableClient) {}

  async get(tenantId: string, id: string): Promise<ExportRecord | undefined> {
    try {
      return toRecord(await this.table.getEntity(tenantId, id));
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }

  async list(tenantId: string): Promise<ExportRecord[]> {
    const records: ExportRecord[] = [];
    const entities = this.table.listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${tenantId}` },
    });
    for await (const entity of entities) records.push(toRecord(entity));
    return records.sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  /** Up to `max` of the tenant's exports after `afterId`, in id order (the refresh timer's pages). */
  async pageAfter(
    tenantId: string,
    afterId: string,
    max: number,
  ): Promise<{ records: ExportRecord[]; done: boolean }> {
    const page = await rowsAfter(this.table, tenantId, { after: afterId }, max);
    return { records: page.rows.map(toRecord), done: page.done };
  }

  async create(record: ExportRecord): Promise<void> {
    await this.table.createEntity(toEntity(record));
  }

  async update(record: ExportRecord): Promise<void> {
    try {
      await this.table.updateEntity(toEntity(record), 'Replace', { etag: record.etag });
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
    await this.table.deleteEntity(tenantId, id);
  }
}

function toEntity(record: ExportRecord) {
  const { id, tenantId, etag: _etag, segments, dataFields, schedule, ...fields } = record;
  return {
    partitionKey: tenantId,
    rowKey: id,
    ...fields,
    segments: JSON.stringify(segments),
    dataFields: JSON.stringify(dataFields),
    schedule: JSON.stringify(schedule),
  };
}

function toRecord(entity: unknown): ExportRecord {
  const { partitionKey, rowKey, ...fields } = ExportEntitySchema.parse(entity);
  return { ...fields, id: rowKey, tenantId: partitionKey };
}
