import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { sweepHeading } from './report';
import { benchmarksFile, readBenchmarks, withSection } from './report-sections';

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
 * measures a pass that finds nothing due (the steady state of most ticks). Index entries are
 * seeded as an export's save leaves them: confirmed against the version of the export row.
 *
 * The table requests the app sends are counted by table, method and kind, and the machine's load
 * average is sampled while each row runs. The figures replace the "Refresh sweep" section of
 * docs/benchmarks.md (the rest of the file stays as it is); BENCH_SWEEP_WRITE=0 only prints them.
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
  /** Table requests the app sent, by table, method and kind (point, query or batch). */
  requests: Record<string, number>;
  /** CPU seconds of this process (the app's sweep) and of Azurite during the pass. */
  cpu: { app: number; azurite: number };
}

interface Row {
  tenants: number;
  exports: number;
  seedSeconds: number;
  due: Pass;
  claimedSlots: number;
  quiet: Pass;
  /** The machine's mean 1-minute load average from the due tick to the end of the quiet one. */
  load: number;
}

async function main(): Promise<void> {
  const azurite = await startAzurite({ blob: 0, queue: 0, table: 0 });
  const rows: Row[] = [];
  try {
    for (const tenants of tenantCounts) rows.push(await scenario(azurite, tenants));
  } finally {
    await azurite.stop();
  }
  const section = render(rows);
  console.log(section);
  if (process.env.BENCH_SWEEP_WRITE !== '0') {
    writeFileSync(benchmarksFile, withSection(readBenchmarks(), sweepHeading, section));
    log(`wrote the "${sweepHeading.slice(3)}" section of ${benchmarksFile}`);
  }
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
  const table = (name: string) => counted(createTableClient(location, name), name);
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
    takeCounts();
    const cpuBefore = cpuSeconds();
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
    const seconds = (performance.now() - started) / 1000;
    const requests = takeCounts();
    const cpuAfter = cpuSeconds();
    const cpu = {
      app: cpuAfter.app - cpuBefore.app,
      azurite: cpuAfter.azurite - cpuBefore.azurite,
    };
    log(`requests: ${JSON.stringify(requests)}; CPU seconds: ${JSON.stringify(cpu)}`);
    return { seconds, messages, reports, requests, cpu };
  };
  const load = sampleLoad();
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
    load: load.stop(),
  };
}

/** Exports rows, index entries and the backfill's end, in batch transactions of one partition. */
async function seed(tables: Record<'exports' | 'sweepIndex', TableClient>, tenants: number) {
  // Saved two hours ago, hourly: the last full hour is a due slot of every export.
  const savedAt = new Date(Date.now() - 2 * 3600_000).toISOString();
  const schedule = JSON.stringify({ mode: 'custom', cron: '0 * * * *', timeZone: 'UTC' });
  const segments = JSON.stringify(['Newsletter']);
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
    const connectionId = randomUUID();
    add(exportRows, tenantId, [
      'create',
      {
        partitionKey: tenantId,
        rowKey: id,
        displayName: `Export ${n}`,
        connectionId,
        segments,
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
        enabled: false,
        connectionId,
        segments,
      },
    ]);
  }
  // The export rows first: each entry is confirmed with its row's version, as a save leaves it.
  const rowEtags = new Map<string, string>();
  const batches = (table: TableClient, map: Map<string, TransactionAction[]>) =>
    [...map.values()].flatMap((actions) => {
      const chunks: (() => Promise<void>)[] = [];
      for (let at = 0; at < actions.length; at += 100) {
        const chunk = actions.slice(at, at + 100);
        chunks.push(async () => {
          const response = await table.submitTransaction(chunk);
          chunk.forEach(([, entity], index) => {
            const etag = response.subResponses[index]?.etag;
            if (etag) rowEtags.set(String(entity.rowKey), etag);
          });
        });
      }
      return chunks;
    });
  await mapConcurrently(batches(tables.exports, exportRows), 8, (write) => write());
  for (const actions of entries.values()) {
    for (const [, entity] of actions) {
      Object.assign(entity, { rowEtag: rowEtags.get(String(entity.exportId)) ?? '' });
    }
  }
  await mapConcurrently(batches(tables.sweepIndex, entries), 8, (write) => write());
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

/** Storage requests by table and kind, counted as the app sends them. */
const requestCounts = new Map<string, number>();

function counted(client: TableClient, name: string): TableClient {
  client.pipeline.addPolicy({
    name: 'countRequests',
    sendRequest: (request, next) => {
      const url = new URL(request.url);
      const kind = url.pathname.endsWith('/$batch')
        ? 'batch'
        : `${request.method} ${url.pathname.includes('(PartitionKey=') ? 'point' : 'query'}`;
      const key = `${name} ${kind}`;
      requestCounts.set(key, (requestCounts.get(key) ?? 0) + 1);
      return next(request);
    },
  });
  return client;
}

function takeCounts(): Record<string, number> {
  const counts = Object.fromEntries([...requestCounts].sort());
  requestCounts.clear();
  return counts;
}

/** CPU seconds so far of this process and of its Azurite child (0 where /proc cannot tell). */
function cpuSeconds(): { app: number; azurite: number } {
  const usage = process.cpuUsage();
  let azurite = 0;
  try {
    const tasks = readdirSync(`/proc/${process.pid}/task`);
    const children = tasks.flatMap((task) =>
      readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean),
    );
    for (const child of children) {
      if (!readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('azurite')) continue;
      // utime and stime, in clock ticks (100 a second), after the command name in brackets.
      const fields = readFileSync(`/proc/${child}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      azurite += (Number(fields[11]) + Number(fields[12])) / 100;
    }
  } catch {
    azurite = 0;
  }
  return { app: (usage.user + usage.system) / 1e6, azurite };
}

/** Samples the 1-minute load average every 5 s until stopped: their mean. */
function sampleLoad(): { stop(): number } {
  const samples = [os.loadavg()[0] ?? 0];
  const timer = setInterval(() => samples.push(os.loadavg()[0] ?? 0), 5000);
  return {
    stop() {
      clearInterval(timer);
      samples.push(os.loadavg()[0] ?? 0);
      return samples.reduce((total, sample) => total + sample, 0) / samples.length;
    },
  };
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

const number = (value: number, digits = 0) =>
  value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const totalOf = (requests: Record<string, number>) =>
  Object.values(requests).reduce((total, count) => total + count, 0);

/** The docs/benchmarks.md section: the figures, the load they were taken under, the requests. */
function render(rows: Row[]): string {
  const cpus = os.cpus();
  const lines = [
    sweepHeading,
    '',
    `Written by \`npm run bench:sweep\`: ${number(total)} exports with due hourly schedules seeded into`,
    'Azurite, timed from the timer tick to the last shard message done. The shard messages go through',
    `the real queue; ${concurrency} handlers in one process stand in for one Functions instance, over ${shards}`,
    'shards. The exports are disabled, so each due slot is claimed as a skipped record: the same',
    "conditional claim transaction a started run writes, without the fair-use seats, the run's message",
    'or anything sent to Iterable. The quiet tick is a second tick in the same hour, when nothing is',
    "due. Index entries are seeded as an export's save leaves them (confirmed against its row).",
    "Load is the mean 1-minute load average of the machine while the row's ticks ran: the times",
    'depend on it, the table requests the app sent (per claimed slot, and per export in the quiet',
    'tick) do not; nor, much, do the CPU milliseconds per claim of the app and of Azurite.',
    '',
    `Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| Exports | Tenants | Seeding | Due tick | Messages | Claimed | Requests / claim | CPU ms / claim (app + Azurite) | Quiet tick | Requests / export | Load | Target |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :--- |',
  ];
  for (const row of rows) {
    const claimed = sum(row.due.reports, 'skipped') + sum(row.due.reports, 'started');
    const met = row.due.seconds <= tickSeconds && row.claimedSlots === row.exports;
    lines.push(
      `| ${number(row.exports)} | ${number(row.tenants)} | ${number(row.seedSeconds)} s | ` +
        `${number(row.due.seconds, 1)} s | ${row.due.messages} | ` +
        `${number(claimed)} (${number(row.claimedSlots)} slot rows, ${sum(row.due.reports, 'failed')} failed) | ` +
        `${number(totalOf(row.due.requests) / Math.max(claimed, 1), 2)} | ` +
        `${number((1000 * row.due.cpu.app) / Math.max(claimed, 1), 1)} + ${number((1000 * row.due.cpu.azurite) / Math.max(claimed, 1), 1)} | ` +
        `${number(row.quiet.seconds, 1)} s | ${number(totalOf(row.quiet.requests) / row.exports, 3)} | ` +
        `${number(row.load, 1)} | ${met ? 'met' : 'missed'} (${tickSeconds} s) |`,
    );
  }
  lines.push('', 'Table requests by table, method and kind:', '');
  for (const row of rows) {
    for (const [name, pass] of [
      ['due', row.due],
      ['quiet', row.quiet],
    ] as const) {
      const counts = Object.entries(pass.requests)
        .map(([kind, count]) => `${kind} ${number(count)}`)
        .join(', ');
      lines.push(`- ${number(row.tenants)} tenant(s), ${name} tick: ${counts}.`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function log(line: string): void {
  console.error(`[${new Date().toISOString()}] ${line}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
