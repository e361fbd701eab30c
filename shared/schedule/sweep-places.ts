import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { getOrUndefined } from '../clients/azure-errors';
import type { ShardPosition } from './sweep-messages';

// Slice partitions are four digits; '~' sorts after them, so this partition holds no export.
const partition = '~places';
const backfillKey = 'backfill';

/** Where a shard stopped in the pass of tick `tick`; `done` once it went through its slices. */
export interface ShardPlace extends ShardPosition {
  tick: string;
  done: boolean;
}

const PlaceSchema = z.object({
  tick: z.string(),
  slice: z.number().int(),
  after: z.string(),
  done: z.boolean(),
});

/** How far the one-time backfill of the index went through the tenants of the schedule index. */
export interface BackfillPlace {
  tenantId: string;
  afterExportId: string;
  done: boolean;
}

const BackfillSchema = z.object({
  tenantId: z.string(),
  afterExportId: z.string(),
  done: z.boolean(),
});

/**
 * The saved places of the sweep, in the index table beside the slices: one row per shard range
 * (`shard|{from}-{to}`: a new number of shards makes new rows, never reads an old range's place)
 * and one for the backfill. A place is saved after every page, so an invocation that dies loses
 * at most the page it was on, and its message, delivered again, goes on from there.
 */
export class SweepPlaces {
  constructor(private readonly table: TableClient) {}

  shard(from: number, to: number): Promise<ShardPlace | undefined> {
    return getOrUndefined(async () =>
      PlaceSchema.parse(await this.table.getEntity(partition, shardKey(from, to))),
    );
  }

  async saveShard(from: number, to: number, place: ShardPlace): Promise<void> {
    await this.table.upsertEntity(
      { partitionKey: partition, rowKey: shardKey(from, to), kind: 'shardPlace', ...place },
      'Replace',
    );
  }

  backfill(): Promise<BackfillPlace | undefined> {
    return getOrUndefined(async () =>
      BackfillSchema.parse(await this.table.getEntity(partition, backfillKey)),
    );
  }

  async saveBackfill(place: BackfillPlace): Promise<void> {
    await this.table.upsertEntity(
      { partitionKey: partition, rowKey: backfillKey, kind: 'backfillPlace', ...place },
      'Replace',
    );
  }
}

const shardKey = (from: number, to: number) =>
  `shard|${String(from).padStart(4, '0')}-${String(to).padStart(4, '0')}`;
