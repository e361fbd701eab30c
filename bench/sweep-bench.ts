import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import { startAzurite, type Azurite } from '../local/azurite';
import { provisionStorage } from '../local/provision-storage';
import {
  createBlobServiceClient,
  createQueueServiceClient,
  createTableClient,
  createTableServiceClient,
} from '../shared/clients/storage';
import { queueMessageText } from '../shared/clients/queue-messages';
import { sliceOf, slicePartition } from '../shared/exports/sweep-index';
import { mapConcurrently } from '../shared/map-concurrently';
import {
  createShardSweep,
  createSweepFanOut,
  type RefreshSweepParts,
} from '../shared/schedule/create-refresh-sweep';
import type { ShardReport } from '../shared/schedule/shard-sweep';
import { shardMessageFormat, type ShardMessage } from '../shared/schedule/sweep-messages';
import { SweepPlaces } from '../shared/schedule/sweep-places';
import { defaultRefreshSweepShards, type StorageLocation } from '../shared/settings';
import { queueNames, tableNames } from '../shared/storage-layout';

/**
 * `npm run bench:sweep`: the sharded refresh sweep against the 5-minute tick. Seeds 50,000
 * exports with an hourly schedule whose last slot is due (BENCH_SWEEP_EXPORTS), once over 2,000
 * tenants and once in a single tenant (BENCH_SWEEP_TENANTS, comma-separated), into an Azurite of
 * its own, with batch transactions. Then one timer tick sends its shard messages to the real
 * refresh-sweep-shards queue, and BENCH_SWEEP_CONCURRENCY handlers (default 16, the host's queue
 * batchSize) take them as one Functions instance would: each runs the app's own shard sweep and
 * deletes its message, continuations included. Measured: from the tick to the last shard message
 * done, and that every due slot was claimed exactly once (a slot row each).
 *
 * The exports are disabled, so each due slot is claimed as a skipped record: the same claim
 * transaction (slot row and cursor, conditional) a started run writes, without the fair-use seats
 * and the run's queue message, and with nothing sent to Iterable. A second tick in the same hour
 * measures a pass that finds nothing due (the steady state of most ticks).
 */

const total = Number(process.env.BENCH_SWEEP_EXPORTS ?? 50_000);
const tenantCounts = (process.env.BENCH_SWEEP_TENANTS ?? '2000,1')
  .split(',')
  .filter((value) => value.trim())
  .map(Number);
const concurrency = Number(process.env.BENCH_SWEEP_CONCURRENCY ?? 16);
const shards = Number(process.env.BENCH_SWEEP_SHARDS ?? defaultRefreshSweepShards);
const tickSeconds = 300;

interface Pass {
  seconds: number;
  messages: number;
  reports: ShardReport[];
}

interface Row {
  tenants: number;
  exports: number;
  seedSeconds: number;
  due: Pass;
  claimedSlots: number;
  quiet: Pass;
}

async function main(): Promise<void> {
  const azurite = await startAzurite({ blob: 0, queue: 0, table: 0 });
  const rows: Row[] = [];
  try {
    for (const tenants of tenantCounts) rows.push(await scenario(azurite, tenants));
  } finally {
    await azurite.stop();
  }
  console.log(render(rows));
}

async function scenario(azurite: Azurite, tenants: number): Promise<Row> {
  const location: StorageLocation = {
    kind: 'connectionString',
    connectionString: azurite.connectionString,
  };
  // Each scenario in a fresh account's worth of tables: drop what the last one left.
  const tableService = createTableServiceClient(location);
  for (const name of Object.values(tableNames)) await tableService.deleteTable(name);
  await provisionStorage({
    queues: createQueueServiceClient(location),
    tables: tableService,
    blobs: createBlobServiceClient(location),
    segmentBlobs: createBlobServiceClient(location),
  });
  const table = (name: string) => createTableClient(location, name);
  const tables = {
    schedules: table(tableNames.schedules),
    exports: table(tableNames.exports),
    runs: table(tableNames.runs),
    connections: table(tableNames.connections),
    sweepIndex: table(tableNames.sweepIndex),
  };
  const queue = new QueueClient(azurite.connectionString, queueNames.refreshSweepShards);
  await queue.clearMessages();

  const seedStarted = performance.now();
  await seed(tables, tenants);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  log(`${tenants} tenant(s): seeded ${total} exports in ${seedSeconds.toFixed(0)} s`);

  const parts: RefreshSweepParts = {
    tables,
    runQueues: {
      scheduled: new QueueClient(azurite.connectionString, queueNames.exportRuns),
      onDemand: new QueueClient(azurite.connectionString, queueNames.exportRunsOnDemand),
    },
    log: {
      error: (message, properties) => log(`error: ${message} ${JSON.stringify(properties)}`),
      warn: () => undefined,
    },
  };
  const send = (message: ShardMessage) =>
    queue.sendMessage(queueMessageText(shardMessageFormat, message)).then(() => undefined);
  const tick = async (): Promise<Pass> => {
    const started = performance.now();
    await createSweepFanOut({
      ...parts,
      shards,
      send: async (messages) => {
        await mapConcurrently(messages, 16, send);
      },
    }).tick();
    const shardSweep = createShardSweep({ ...parts, continueLater: send });
    const { reports, messages } = await drain(queue, (message) => shardSweep.run(message));
    return { seconds: (performance.now() - started) / 1000, messages, reports };
  };
  const due = await tick();
  log(`${tenants} tenant(s): due tick done in ${due.seconds.toFixed(1)} s`);
  const quiet = await tick();
  log(`${tenants} tenant(s): quiet tick done in ${quiet.seconds.toFixed(1)} s`);
  return {
    tenants,
    exports: total,
    seedSeconds,
    due,
    claimedSlots: await countSlots(tables.runs),
    quiet,
  };
}

/** Exports rows, index entries and the backfill's end, in batch transactions of one partition. */
async function seed(tables: Record<'exports' | 'sweepIndex', TableClient>, tenants: number) {
  // Saved two hours ago, hourly: the last full hour is a due slot of every export.
  const savedAt = new Date(Date.now() - 2 * 3600_000).toISOString();
  const schedule = JSON.stringify({ mode: 'custom', cron: '0 * * * *', timeZone: 'UTC' });
  const exportRows = new Map<string, TransactionAction[]>();
  const entries = new Map<string, TransactionAction[]>();
  const add = (map: Map<string, TransactionAction[]>, key: string, action: TransactionAction) => {
    const list = map.get(key) ?? [];
    list.push(action);
    map.set(key, list);
  };
  const tenantIds = Array.from({ length: tenants }, () => randomUUID());
  for (let n = 0; n < total; n++) {
    const tenantId = tenantIds[n % tenants] ?? '';
    const id = randomUUID();
    add(exportRows, tenantId, [
      'create',
      {
        partitionKey: tenantId,
        rowKey: id,
        displayName: `Export ${n}`,
        connectionId: randomUUID(),
        segments: JSON.stringify(['Newsletter']),
        emailField: 'email',
        dataFields: '{}',
        syncMode: 'mirror',
        schedule,
        enabled: false,
        createdAt: savedAt,
        createdBy: 'bench',
        updatedAt: savedAt,
        updatedBy: 'bench',
      },
    ]);
    const partitionKey = slicePartition(sliceOf(id));
    add(entries, partitionKey, [
      'create',
      {
        partitionKey,
        rowKey: `${tenantId}|${id}`,
        tenantId,
        exportId: id,
        schedule,
        updatedAt: savedAt,
      },
    ]);
  }
  const batches = (table: TableClient, map: Map<string, TransactionAction[]>) =>
    [...map.values()].flatMap((actions) => {
      const chunks: (() => Promise<unknown>)[] = [];
      for (let at = 0; at < actions.length; at += 100)
        chunks.push(() => table.submitTransaction(actions.slice(at, at + 100)));
      return chunks;
    });
  const writes = [...batches(tables.exports, exportRows), ...batches(tables.sweepIndex, entries)];
  await mapConcurrently(writes, 8, (write) => write());
  // Every export has its entry: the tick needs no backfill and no pass over tenants.
  await new SweepPlaces(tables.sweepIndex).saveBackfill({
    tenantId: '',
    afterExportId: '',
    done: true,
  });
}

/**
 * Takes shard messages as one Functions instance does, `concurrency` at a time, until the queue
 * is empty and no handler is left that could send a continuation.
 */
async function drain(
  queue: QueueClient,
  handle: (message: ShardMessage) => Promise<ShardReport>,
): Promise<{ reports: ShardReport[]; messages: number }> {
  const reports: ShardReport[] = [];
  let busy = 0;
  let messages = 0;
  const worker = async () => {
    for (;;) {
      const { receivedMessageItems } = await queue.receiveMessages({
        numberOfMessages: 1,
        visibilityTimeout: 600,
      });
      const item = receivedMessageItems[0];
      if (!item) {
        if (busy === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      busy++;
      messages++;
      try {
        const text = Buffer.from(item.messageText, 'base64').toString('utf8');
        reports.push(await handle(shardMessageFormat.parse(JSON.parse(text))));
        await queue.deleteMessage(item.messageId, item.popReceipt);
      } finally {
        busy--;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { reports, messages };
}

async function countSlots(runs: TableClient): Promise<number> {
  let count = 0;
  const rows = runs.listEntities({
    queryOptions: { filter: "kind eq 'slot'", select: ['PartitionKey'] },
  });
  for await (const page of rows.byPage({ maxPageSize: 1000 })) count += page.length;
  return count;
}

const sum = (reports: ShardReport[], key: keyof Omit<ShardReport, 'end'>) =>
  reports.reduce((total, report) => total + report[key], 0);

function render(rows: Row[]): string {
  const lines = [
    `Refresh sweep: ${shards} shards, ${concurrency} shard invocations at once, one process, ` +
      `Azurite, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}).`,
    '',
    '| Exports | Tenants | Seeding | Due tick: all slots claimed | Messages | Claimed | Quiet tick | Target |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | :--- |',
  ];
  for (const row of rows) {
    const claimed = sum(row.due.reports, 'skipped') + sum(row.due.reports, 'started');
    lines.push(
      `| ${row.exports.toLocaleString('en')} | ${row.tenants.toLocaleString('en')} | ` +
        `${row.seedSeconds.toFixed(0)} s | ${row.due.seconds.toFixed(1)} s | ${row.due.messages} | ` +
        `${claimed.toLocaleString('en')} (${row.claimedSlots.toLocaleString('en')} slot rows, ` +
        `${sum(row.due.reports, 'failed')} failed) | ${row.quiet.seconds.toFixed(1)} s | ` +
        `${row.due.seconds <= tickSeconds && row.claimedSlots === row.exports ? 'met' : 'MISSED'} (${tickSeconds} s) |`,
    );
  }
  return lines.join('\n');
}

function log(line: string): void {
  console.error(`[${new Date().toISOString()}] ${line}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
