import { randomBytes, randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import { AuditStore } from '../../shared/audit/audit-store';
import { AuditTrail } from '../../shared/audit/audit-trail';
import { createTableClient } from '../../shared/clients/storage';
import { ConnectionStore } from '../../shared/connections/connection-store';
import type { ExportSchedule } from '../../shared/exports/export-schemas';
import { ExportStore, type ExportRecord } from '../../shared/exports/export-store';
import type { Run } from '../../shared/runs/run-schemas';
import type { ActiveRunLimits } from '../../shared/runs/active-run-seats';
import { RunStore } from '../../shared/runs/run-store';
import {
  createRefreshSweep,
  createShardSweep,
  createSweepFanOut,
  type RefreshSweepParts,
} from '../../shared/schedule/create-refresh-sweep';
import type { ShardLimits, ShardReport } from '../../shared/schedule/shard-sweep';
import type { TickReport } from '../../shared/schedule/sweep-fan-out';
import type { ShardMessage } from '../../shared/schedule/sweep-messages';
import { SweepIndex } from '../../shared/exports/sweep-index';
import type { SweepLimits, SweepReport } from '../../shared/schedule/refresh-sweep';
import { ScheduleIndex } from '../../shared/schedule/schedule-index';
import { ScheduleService } from '../../shared/schedule/schedule-service';
import { defaultFairUseLimits } from '../../shared/settings';

function storage(): string {
  const connectionString = process.env.AzureWebJobsStorage;
  if (!connectionString) throw new Error('AzureWebJobsStorage is not set (jest globalSetup)');
  return connectionString;
}

/**
 * The refresh timer's storage on the test run's Azurite, in tables and a queue of its own, with a
 * clock the test sets. Exports and connections are written through their stores, as the API does.
 */
export class ScheduleWorld {
  now = new Date('2025-05-01T00:00:00Z');
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  readonly queue: QueueClient;
  readonly runStore: RunStore;
  /** Shard messages sent by ticks and by shards out of budget, oldest first, not yet swept. */
  readonly shardMessages: ShardMessage[] = [];
  readonly #tables: Record<
    'schedules' | 'exports' | 'runs' | 'connections' | 'sweepIndex',
    TableClient
  >;
  readonly #audit: TableClient;
  readonly #connections: ConnectionStore;
  readonly #exports: ExportStore;

  /**
   * `activeRunLimits` default to more than any schedule test starts at once: only the fair-use
   * tests are about them, and they pass their own.
   */
  constructor(
    private readonly limits: Partial<SweepLimits> = {},
    private readonly activeRunLimits: ActiveRunLimits = {
      activeRunsPerTenant: 100,
      activeRunsPerConnection: 100,
    },
  ) {
    const suffix = randomBytes(4).toString('hex');
    const table = (name: string) =>
      createTableClient({ kind: 'connectionString', connectionString: storage() }, name + suffix);
    this.#tables = {
      schedules: table('schedules'),
      exports: table('exports'),
      runs: table('runs'),
      connections: table('connections'),
      sweepIndex: table('sweepindex'),
    };
    this.#audit = table('audit');
    this.queue = new QueueClient(storage(), `export-runs-${suffix}`);
    this.runStore = new RunStore(this.#tables.runs);
    this.#connections = new ConnectionStore(this.#tables.connections);
    this.#exports = new ExportStore(this.#tables.exports, new SweepIndex(this.#tables.sweepIndex));
  }

  async create(): Promise<this> {
    await Promise.all([
      ...Object.values(this.#tables).map((table) => table.createTable()),
      this.#audit.createTable(),
      this.queue.create(),
    ]);
    return this;
  }

  #parts(): RefreshSweepParts {
    return {
      tables: this.#tables,
      // Nothing here is on demand: the on-demand queue is never created, so a run sent there
      // would fail as NotQueued and the test that started it would see it.
      runQueues: {
        scheduled: this.queue,
        onDemand: new QueueClient(storage(), `${this.queue.name}-on-demand`),
      },
      log: {
        error: (message, properties) =>
          this.errors.push(`${message} ${JSON.stringify(properties)}`),
        warn: (message, properties) =>
          this.warnings.push(`${message} ${JSON.stringify(properties)}`),
      },
      clock: () => this.now,
      activeRunLimits: this.activeRunLimits,
    };
  }

  /** One timer invocation of the pass over tenants, as a separate instance would run it. */
  fire(): Promise<SweepReport> {
    return createRefreshSweep({ ...this.#parts(), limits: this.limits }).run();
  }

  /** One timer tick: the shard messages it sends are kept in `shardMessages`. */
  tick(shards: number, backfillPerTick?: number): Promise<TickReport> {
    return createSweepFanOut({
      ...this.#parts(),
      limits: this.limits,
      shards,
      backfillPerTick,
      send: (messages) => {
        this.shardMessages.push(...messages);
        return Promise.resolve();
      },
    }).tick();
  }

  /** One shard invocation for `message`; a continuation it sends joins `shardMessages`. */
  shard(message: ShardMessage, limits: Partial<ShardLimits> = {}): Promise<ShardReport> {
    return createShardSweep({
      ...this.#parts(),
      limits,
      continueLater: (next) => {
        this.shardMessages.push(next);
        return Promise.resolve();
      },
    }).run(message);
  }

  /** Sweeps shard messages until none is left; the reports, in the order swept. */
  async drainShards(limits: Partial<ShardLimits> = {}): Promise<ShardReport[]> {
    const reports: ShardReport[] = [];
    for (let message = this.shardMessages.shift(); message; message = this.shardMessages.shift())
      reports.push(await this.shard(message, limits));
    return reports;
  }

  /** A tick at `iso` and every shard message it leads to: the slots it claimed. */
  async sweepAt(iso: string, shards = 4, limits: Partial<ShardLimits> = {}) {
    this.now = new Date(iso);
    await this.tick(shards);
    const reports = await this.drainShards(limits);
    const total = (key: 'started' | 'skipped' | 'alreadyClaimed' | 'entries' | 'failed') =>
      reports.reduce((sum, report) => sum + report[key], 0);
    return {
      reports,
      started: total('started'),
      skipped: total('skipped'),
      alreadyClaimed: total('alreadyClaimed'),
      entries: total('entries'),
      failed: total('failed'),
    };
  }

  /** The sweep index's table, for tests that look at its rows. */
  get sweepIndexTable(): TableClient {
    return this.#tables.sweepIndex;
  }

  /** The exports table, for tests that write export rows as a save that died half-way left them. */
  get exportsTable(): TableClient {
    return this.#tables.exports;
  }

  /** The runs table, for tests that look at the claims' rows. */
  get runsTable(): TableClient {
    return this.#tables.runs;
  }

  async exportRecord(tenantId: string, id: string): Promise<ExportRecord> {
    const record = await this.#exports.get(tenantId, id);
    if (!record) throw new Error(`No export ${id}`);
    return record;
  }

  /** Saves an export as read (with its version), as the API does. */
  async saveExport(record: ExportRecord): Promise<void> {
    await this.#exports.update(record);
  }

  async updateExport(tenantId: string, id: string, schedule: ExportSchedule): Promise<void> {
    const record = await this.#exports.get(tenantId, id);
    if (!record) throw new Error(`No export ${id}`);
    await this.#exports.update({ ...record, schedule, updatedAt: this.now.toISOString() });
  }

  async deleteExport(tenantId: string, id: string): Promise<void> {
    await this.#exports.delete(tenantId, id);
  }

  /** Saves an export the way releases before the sweep index did: with no entry in it. */
  async addUnindexedExport(tenantId: string, connectionId: string, schedule: ExportSchedule) {
    const id = await this.addExport(tenantId, connectionId, schedule);
    await new SweepIndex(this.#tables.sweepIndex).remove(tenantId, id);
    return id;
  }

  async at(iso: string): Promise<SweepReport> {
    this.now = new Date(iso);
    return this.fire();
  }

  async setTenantSchedule(tenantId: string, cron: string, timeZone: string): Promise<void> {
    const audit = new AuditTrail(new AuditStore(this.#audit), { error: () => undefined });
    const service = new ScheduleService(this.#tables.schedules, audit, () => this.now);
    await service.put({ tenantId, userId: 'admin', roles: ['Admin'] }, { cron, timeZone });
  }

  async addConnection(tenantId: string): Promise<string> {
    const id = randomUUID();
    await this.#connections.create({
      id,
      tenantId,
      displayName: `Connection ${id}`,
      region: 'us',
      allowContributors: true,
      exportUsers: [],
      consentAcceptedBy: 'admin',
      consentAcceptedAt: this.now.toISOString(),
      keyHint: '…abcd',
      enabled: true,
      secretName: `iterable-${id}`,
      secretVersion: '1',
      createdAt: this.now.toISOString(),
      createdBy: 'admin',
      updatedAt: this.now.toISOString(),
      updatedBy: 'admin',
    });
    return id;
  }

  async deleteConnection(tenantId: string, id: string): Promise<void> {
    const record = await this.#connections.get(tenantId, id);
    if (record) await this.#connections.delete(record);
  }

  /** Saves an export now (the world's clock) and lists its tenant, as the exports API does. */
  async addExport(
    tenantId: string,
    connectionId: string,
    schedule: ExportSchedule,
    options: { enabled?: boolean; id?: string } = {},
  ): Promise<string> {
    const id = options.id ?? randomUUID();
    const now = this.now.toISOString();
    await new ScheduleIndex(this.#tables.schedules).addTenant(tenantId);
    await this.#exports.create(
      {
        id,
        tenantId,
        displayName: `Export ${id}`,
        connectionId,
        segments: ['Newsletter'],
        emailField: 'email',
        dataFields: {},
        syncMode: 'mirror',
        schedule,
        enabled: options.enabled ?? true,
        createdAt: now,
        createdBy: 'admin',
        updatedAt: now,
        updatedBy: 'admin',
      },
      defaultFairUseLimits.exportsPerTenant,
    );
    return id;
  }

  /** The export's run history (runs and skipped slots), oldest slot first. */
  async history(tenantId: string, exportId: string): Promise<Run[]> {
    const runs: Run[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.runStore.page(tenantId, exportId, 100, continuationToken);
      runs.push(...page.value);
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return runs.sort((a, b) => (a.slot ?? '').localeCompare(b.slot ?? ''));
  }

  async slots(tenantId: string, exportId: string): Promise<string[]> {
    return (await this.history(tenantId, exportId)).map((run) => run.slot ?? '');
  }

  /** Ends the export's active run as succeeded, as the pipeline would. */
  async finishActive(tenantId: string, exportId: string): Promise<void> {
    const active = await this.runStore.active(tenantId, exportId);
    if (!active) throw new Error(`Export ${exportId} has no active run`);
    const finished = {
      ...active,
      status: 'succeeded' as const,
      finishedAt: this.now.toISOString(),
    };
    if (!(await this.runStore.finish(tenantId, finished))) throw new Error('finish conflicted');
  }

  async queuedMessages(): Promise<unknown[]> {
    const { receivedMessageItems } = await this.queue.receiveMessages({ numberOfMessages: 32 });
    return receivedMessageItems.map(
      (item) => JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')) as unknown,
    );
  }

  async delete(): Promise<void> {
    await Promise.all([
      ...Object.values(this.#tables).map((table) => table.deleteTable()),
      this.#audit.deleteTable(),
      this.queue.delete(),
    ]);
  }
}

export function newTenant(prefix = 'schedule'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
