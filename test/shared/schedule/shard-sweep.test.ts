import { odata } from '@azure/data-tables';
import {
  sliceOf,
  slicePartition,
  sweepSlices,
  SweepIndex,
} from '../../../shared/exports/sweep-index';
import { shardRange } from '../../../shared/schedule/sweep-messages';
import { newTenant, ScheduleWorld } from '../../support/schedule-world';

const hourly = { mode: 'custom', cron: '0 * * * *', timeZone: 'UTC' } as const;

describe('shards of the sweep index', () => {
  it.each([1, 3, 64, 1000, 1024])('%i shards cover every slice exactly once', (shards) => {
    const covered: number[] = [];
    for (let shard = 0; shard < shards; shard++) {
      const { from, to } = shardRange(shard, shards, sweepSlices);
      for (let slice = from; slice < to; slice++) covered.push(slice);
    }
    expect(covered).toEqual(Array.from({ length: sweepSlices }, (_, slice) => slice));
  });

  it('spreads the exports of one tenant over the slices by their ids', () => {
    const slices = new Set(
      Array.from({ length: 2000 }, (_, index) => sliceOf(`00000000-0000-4000-8000-${index}`)),
    );
    // 2,000 ids over 1,024 slices: a hash leaves about 14% empty, never most of them.
    expect(slices.size).toBeGreaterThan(800);
    expect(Math.max(...slices)).toBeLessThan(sweepSlices);
  });
});

describe('ShardSweep', () => {
  let world: ScheduleWorld;
  let tenants: string[];
  let connections: string[];

  beforeEach(async () => {
    world = await new ScheduleWorld().create();
    tenants = [newTenant(), newTenant(), newTenant()];
    connections = await Promise.all(tenants.map((tenant) => world.addConnection(tenant)));
    // A first tick before any export: the backfill finds nothing to copy, and is done.
    expect(await world.tick(1)).toMatchObject({ backfilled: { complete: true } });
    world.shardMessages.splice(0);
  });
  afterEach(async () => {
    expect(world.errors).toEqual([]);
    await world.delete();
  });

  /** `perTenant` hourly exports in each tenant: [tenant, exportId] pairs. */
  async function addExports(perTenant: number): Promise<[string, string][]> {
    const added: [string, string][] = [];
    for (const [index, tenant] of tenants.entries()) {
      for (let n = 0; n < perTenant; n++) {
        added.push([tenant, await world.addExport(tenant, connections[index] ?? '', hourly)]);
      }
    }
    return added;
  }

  async function indexEntries(): Promise<string[]> {
    const keys: string[] = [];
    const rows = world.sweepIndexTable.listEntities({
      queryOptions: { filter: odata`PartitionKey lt '~'` },
    });
    for await (const row of rows) keys.push(String(row.rowKey));
    return keys.sort();
  }

  it('keeps an entry for each scheduled export, in step with its saves and deletes', async () => {
    const [tenant = '', connection = ''] = [tenants[0], connections[0]];
    const scheduled = await world.addExport(tenant, connection, hourly);
    const off = await world.addExport(tenant, connection, { mode: 'off' });
    expect(await indexEntries()).toEqual([`${tenant}|${scheduled}`]);

    await world.updateExport(tenant, off, { mode: 'refresh' });
    await world.updateExport(tenant, scheduled, { mode: 'off' });
    expect(await indexEntries()).toEqual([`${tenant}|${off}`]);

    await world.deleteExport(tenant, off);
    expect(await indexEntries()).toEqual([]);
  });

  it('fans a tick out to one message per shard, and the shards claim every due slot once', async () => {
    const exports = await addExports(5);
    expect((await world.tick(8)).shards).toBe(8);
    expect(world.shardMessages).toHaveLength(8);
    expect(world.shardMessages.map(({ from, to }) => [from, to])).toEqual(
      Array.from({ length: 8 }, (_, shard) => [shard * 128, (shard + 1) * 128]),
    );
    world.shardMessages.splice(0);

    const swept = await world.sweepAt('2025-05-01T01:02:00Z', 8);
    expect(swept).toMatchObject({ started: 15, entries: 15, failed: 0 });
    for (const [tenant, id] of exports) {
      expect(await world.slots(tenant, id)).toEqual(['2025-05-01T01:00:00.000Z']);
    }
    // The next tick in the same hour finds nothing due, by the entries alone.
    const again = await world.sweepAt('2025-05-01T01:07:00Z', 8);
    expect(again).toMatchObject({ started: 0, entries: 15 });
    expect(again.reports.reduce((sum, report) => sum + report.notDue, 0)).toBe(15);
  });

  it('does nothing for a message delivered again after its shard finished the tick', async () => {
    await addExports(2);
    world.now = new Date('2025-05-01T01:02:00Z');
    await world.tick(1);
    const [message] = world.shardMessages;
    if (!message) throw new Error('no message');
    expect(await world.drainShards()).toMatchObject([{ started: 6, end: 'done' }]);
    expect(await world.shard(message)).toMatchObject({ entries: 0, end: 'finished' });

    // A message of an older tick, after a newer tick's pass: the newer pass covered it.
    world.now = new Date('2025-05-01T02:02:00Z');
    await world.tick(1);
    expect(await world.drainShards()).toMatchObject([{ started: 0, skipped: 6 }]);
    expect(await world.shard(message)).toMatchObject({ entries: 0, end: 'superseded' });
  });

  it('hands the rest of a shard on to a continuation when out of budget', async () => {
    const exports = await addExports(4);
    world.now = new Date('2025-05-01T01:02:00Z');
    await world.tick(1);
    const reports = await world.drainShards({ entriesPerInvocation: 5, pageSize: 2 });
    expect(reports.map((report) => report.end)).toEqual(['continued', 'continued', 'done']);
    expect(reports.map((report) => report.entries)).toEqual([5, 5, 2]);
    for (const [tenant, id] of exports) {
      expect(await world.slots(tenant, id)).toEqual(['2025-05-01T01:00:00.000Z']);
    }
  });

  it('goes on from the saved place when an invocation died before handing over', async () => {
    const exports = await addExports(4);
    world.now = new Date('2025-05-01T01:02:00Z');
    await world.tick(1);
    const [message] = world.shardMessages.splice(0);
    if (!message) throw new Error('no message');
    // Out of budget after a page, and the invocation dies before its continuation is sent:
    // the host delivers the message again.
    const dying = await world.shard(message, { entriesPerInvocation: 5, pageSize: 5 });
    expect(dying).toMatchObject({ entries: 5, end: 'continued' });
    world.shardMessages.splice(0);

    const again = await world.shard(message);
    expect(again).toMatchObject({ entries: 7, started: 7, end: 'done' });
    for (const [tenant, id] of exports) {
      expect(await world.slots(tenant, id)).toEqual(['2025-05-01T01:00:00.000Z']);
    }
  });

  it('claims each due slot once when the number of shards changes between ticks', async () => {
    const exports = await addExports(3);
    await world.sweepAt('2025-05-01T01:02:00Z', 4);
    // A message of the old shards still waiting, swept after the new shards' messages.
    world.now = new Date('2025-05-01T02:01:00Z');
    await world.tick(4);
    const late = world.shardMessages.splice(0);
    const swept = await world.sweepAt('2025-05-01T02:02:00Z', 7);
    world.shardMessages.push(...late);
    await world.drainShards();
    expect(swept.skipped).toBe(9);
    for (const [tenant, id] of exports) {
      expect(await world.slots(tenant, id)).toEqual([
        '2025-05-01T01:00:00.000Z',
        '2025-05-01T02:00:00.000Z',
      ]);
    }
  });

  /** The export's index entry and its cursor row. */
  async function entryAndCursor(tenant: string, id: string) {
    const entry = await world.sweepIndexTable.getEntity<Record<string, unknown>>(
      slicePartition(sliceOf(id)),
      `${tenant}|${id}`,
    );
    const cursor = await world.runsTable.getEntity<Record<string, unknown>>(
      tenant,
      `schedule|${id}`,
    );
    return { entry, cursor };
  }

  it('notes on each entry the slot it claimed and the version of the cursor it left', async () => {
    const exports = await addExports(2);
    await world.sweepAt('2025-05-01T01:02:00Z', 2);
    for (const [tenant, id] of exports) {
      const { entry, cursor } = await entryAndCursor(tenant, id);
      expect(entry).toMatchObject({
        claimedSlot: '2025-05-01T01:00:00.000Z',
        claimedKey: cursor.scheduleKey,
        cursorEtag: cursor.etag,
      });
    }
    // The next slot is claimed from the noted version: once each.
    for (const [tenant, id] of exports) await world.finishActive(tenant, id);
    expect(await world.sweepAt('2025-05-01T02:02:00Z', 2)).toMatchObject({ started: 6 });
    for (const [tenant, id] of exports) {
      expect(await world.slots(tenant, id)).toEqual([
        '2025-05-01T01:00:00.000Z',
        '2025-05-01T02:00:00.000Z',
      ]);
      const { entry, cursor } = await entryAndCursor(tenant, id);
      expect(entry).toMatchObject({
        claimedSlot: '2025-05-01T02:00:00.000Z',
        cursorEtag: cursor.etag,
      });
    }
  });

  it('claims each slot once when the cursor moved after the entry noted it', async () => {
    const exports = await addExports(2);
    await world.sweepAt('2025-05-01T01:02:00Z', 2);
    for (const [tenant, id] of exports) await world.finishActive(tenant, id);
    // The pass over tenants (a release before the index) claims the next slot first: the
    // entries' noted versions are out of date.
    world.now = new Date('2025-05-01T02:01:00Z');
    expect(await world.fire()).toMatchObject({ started: 6 });
    for (const [tenant, id] of exports) await world.finishActive(tenant, id);
    const swept = await world.sweepAt('2025-05-01T02:02:00Z', 2);
    expect(swept).toMatchObject({ started: 0, failed: 0 });
    // A cursor touched without a claim (another version, the same slot), then the next slot.
    const [[tenant = '', id = ''] = []] = exports;
    const { cursor } = await entryAndCursor(tenant, id);
    await world.runsTable.updateEntity(
      { partitionKey: tenant, rowKey: `schedule|${id}`, touched: true },
      'Merge',
      { etag: String(cursor.etag) },
    );
    expect(await world.sweepAt('2025-05-01T03:02:00Z', 2)).toMatchObject({ started: 6 });
    for (const [tenant, id] of exports) {
      expect(await world.slots(tenant, id)).toEqual([
        '2025-05-01T01:00:00.000Z',
        '2025-05-01T02:00:00.000Z',
        '2025-05-01T03:00:00.000Z',
      ]);
      const { entry, cursor } = await entryAndCursor(tenant, id);
      expect(entry).toMatchObject({
        claimedSlot: '2025-05-01T03:00:00.000Z',
        cursorEtag: cursor.etag,
      });
    }
  });

  it('claims a slot once when the note of a claim was lost, and when a message runs twice at once', async () => {
    const exports = await addExports(3);
    world.now = new Date('2025-05-01T01:02:00Z');
    await world.tick(1);
    const [message] = world.shardMessages.splice(0);
    if (!message) throw new Error('no message');
    // Two deliveries of the same message, swept at the same time by two instances.
    const both = await Promise.all([world.shard(message), world.shard(message)]);
    expect(both[0].started + both[1].started).toBe(9);
    for (const [tenant, id] of exports) {
      expect(await world.slots(tenant, id)).toEqual(['2025-05-01T01:00:00.000Z']);
    }
    // An entry without its note (the invocation died before it noted the claim): the sweep
    // finds the cursor, claims nothing twice, and notes it.
    const [[tenant = '', id = ''] = []] = exports;
    const { entry: noted } = await entryAndCursor(tenant, id);
    const kept = ['partitionKey', 'rowKey', 'tenantId', 'exportId', 'schedule', 'updatedAt'];
    const unnoted = Object.fromEntries(kept.map((name) => [name, noted[name]]));
    await world.sweepIndexTable.updateEntity(
      { ...unnoted, partitionKey: String(noted.partitionKey), rowKey: String(noted.rowKey) },
      'Replace',
    );
    expect(await world.sweepAt('2025-05-01T01:07:00Z', 1)).toMatchObject({ started: 0, failed: 0 });
    expect(await world.slots(tenant, id)).toEqual(['2025-05-01T01:00:00.000Z']);
    const { entry, cursor } = await entryAndCursor(tenant, id);
    expect(entry).toMatchObject({
      claimedSlot: '2025-05-01T01:00:00.000Z',
      cursorEtag: cursor.etag,
    });
  });

  it('corrects an entry that holds another schedule than its export, and claims by the export', async () => {
    const [tenant = '', connection = ''] = [tenants[0], connections[0]];
    const id = await world.addExport(tenant, connection, hourly);
    const row = { tenantId: tenant, id, updatedAt: world.now.toISOString() };
    // Two saves raced, and the loser's entry stayed: every minute, where the export is hourly.
    await new SweepIndex(world.sweepIndexTable).save({
      ...row,
      schedule: { mode: 'custom', cron: '* * * * *', timeZone: 'UTC' },
      updatedAt: '2025-04-30T23:59:00.000Z',
    });
    const swept = await world.sweepAt('2025-05-01T01:02:00Z', 1);
    expect(swept).toMatchObject({ started: 1, failed: 0 });
    expect(await world.slots(tenant, id)).toEqual(['2025-05-01T01:00:00.000Z']);
    const { entry } = await entryAndCursor(tenant, id);
    expect(entry).toMatchObject({ schedule: JSON.stringify(hourly), updatedAt: row.updatedAt });
    await world.finishActive(tenant, id);
    // Its schedule is the export's now: nothing due at the next minute.
    expect(await world.sweepAt('2025-05-01T01:03:00Z', 1)).toMatchObject({ started: 0 });
  });

  it('confirms an entry once its export row is written, and claims from it as the export is', async () => {
    const [tenant = '', connection = ''] = [tenants[0], connections[0]];
    const id = await world.addExport(tenant, connection, hourly);
    const row = await world.exportsTable.getEntity(tenant, id);
    const entry = await world.sweepIndexTable.getEntity(
      slicePartition(sliceOf(id)),
      `${tenant}|${id}`,
    );
    expect(entry).toMatchObject({
      rowEtag: row.etag,
      enabled: true,
      connectionId: connection,
      segments: row.segments,
      updatedAt: row.updatedAt,
    });
    // Disabled by a save: the entry says so, and the slot is claimed as a skipped one.
    const record = await world.exportRecord(tenant, id);
    await world.saveExport({ ...record, enabled: false });
    const disabled = await world.sweepIndexTable.getEntity(
      slicePartition(sliceOf(id)),
      `${tenant}|${id}`,
    );
    expect(disabled).toMatchObject({
      enabled: false,
      rowEtag: (await world.exportsTable.getEntity(tenant, id)).etag,
    });
    expect(await world.sweepAt('2025-05-01T01:02:00Z', 1)).toMatchObject({ skipped: 1 });
  });

  it('checks the export of an entry a delete or an unscheduling left behind when it died after the row', async () => {
    const [tenant = '', connection = ''] = [tenants[0], connections[0]];
    const deleted = await world.addExport(tenant, connection, hourly);
    const unscheduled = await world.addExport(tenant, connection, hourly);
    const index = new SweepIndex(world.sweepIndexTable);
    // What the store does before it writes the row, then the row, and no more.
    await index.unconfirm(tenant, deleted);
    await world.exportsTable.deleteEntity(tenant, deleted);
    await index.unconfirm(tenant, unscheduled);
    await world.exportsTable.updateEntity(
      { partitionKey: tenant, rowKey: unscheduled, schedule: JSON.stringify({ mode: 'off' }) },
      'Merge',
    );
    const swept = await world.sweepAt('2025-05-01T01:02:00Z', 1);
    expect(swept).toMatchObject({ started: 0, skipped: 0, failed: 0 });
    expect(swept.reports.reduce((sum, report) => sum + report.stale, 0)).toBe(2);
    expect(await indexEntries()).toEqual([]);
    expect(await world.slots(tenant, unscheduled)).toEqual([]);
  });

  it('leaves an entry as its export row is, or unconfirmed, when two saves race', async () => {
    const [tenant = '', connection = ''] = [tenants[0], connections[0]];
    const id = await world.addExport(tenant, connection, hourly);
    const halfHourly = { mode: 'custom', cron: '*/30 * * * *', timeZone: 'UTC' } as const;
    const quarterPast = { mode: 'custom', cron: '15 * * * *', timeZone: 'UTC' } as const;
    const record = await world.exportRecord(tenant, id);
    const saves = await Promise.allSettled([
      world.saveExport({ ...record, schedule: halfHourly, updatedAt: '2025-05-01T00:00:01.000Z' }),
      world.saveExport({ ...record, schedule: quarterPast, updatedAt: '2025-05-01T00:00:02.000Z' }),
    ]);
    expect(saves.filter((save) => save.status === 'fulfilled')).toHaveLength(1);
    const row = await world.exportsTable.getEntity<Record<string, unknown>>(tenant, id);
    const entry = await world.sweepIndexTable.getEntity<Record<string, unknown>>(
      slicePartition(sliceOf(id)),
      `${tenant}|${id}`,
    );
    if (entry.rowEtag) {
      expect(entry).toMatchObject({
        rowEtag: row.etag,
        schedule: row.schedule,
        updatedAt: row.updatedAt,
      });
    }
    // Either way the sweep claims by the schedule the row holds.
    await world.sweepAt('2025-05-01T01:02:00Z', 1);
    const slot =
      row.schedule === JSON.stringify(halfHourly)
        ? '2025-05-01T01:00:00.000Z'
        : '2025-05-01T00:15:00.000Z';
    expect(await world.slots(tenant, id)).toEqual([slot]);
  });

  it('drops the entry of an export that is gone', async () => {
    const [tenant = '', connection = ''] = [tenants[0], connections[0]];
    const id = await world.addExport(tenant, connection, hourly);
    await world.deleteExport(tenant, id);
    await new SweepIndex(world.sweepIndexTable).add({
      tenantId: tenant,
      id,
      schedule: hourly,
      updatedAt: world.now.toISOString(),
    });
    const swept = await world.sweepAt('2025-05-01T01:02:00Z');
    expect(swept.reports.reduce((sum, report) => sum + report.stale, 0)).toBe(1);
    expect(await indexEntries()).toEqual([]);
  });

  it('copies exports saved before the index into it, and the pass over tenants covers them meanwhile', async () => {
    // An app that ran a release before the index: no backfill yet.
    await world.sweepIndexTable.deleteEntity('~places', 'backfill');
    const [tenant = '', connection = ''] = [tenants[0], connections[0]];
    const old = await Promise.all(
      [1, 2, 3].map(() => world.addUnindexedExport(tenant, connection, hourly)),
    );
    expect(await indexEntries()).toEqual([]);

    world.now = new Date('2025-05-01T01:02:00Z');
    const first = await world.tick(2, 2);
    expect(first).toMatchObject({
      tenantPass: { started: 3 },
      backfilled: { exports: 2, complete: false },
    });
    await world.drainShards();
    world.now = new Date('2025-05-01T01:07:00Z');
    expect(await world.tick(2, 2)).toMatchObject({ backfilled: { exports: 1, complete: true } });
    expect(await indexEntries()).toHaveLength(3);
    await world.drainShards();

    // From now on only the shards: the tick itself claims nothing.
    world.now = new Date('2025-05-01T02:02:00Z');
    for (const id of old) await world.finishActive(tenant, id);
    expect(await world.tick(2)).toEqual({ shards: 2 });
    const reports = await world.drainShards();
    expect(reports.reduce((sum, report) => sum + report.started, 0)).toBe(3);
    for (const id of old) {
      expect(await world.slots(tenant, id)).toEqual([
        '2025-05-01T01:00:00.000Z',
        '2025-05-01T02:00:00.000Z',
      ]);
    }
  });
});
