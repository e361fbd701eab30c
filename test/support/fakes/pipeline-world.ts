/* eslint-disable @typescript-eslint/require-await -- an in-memory fake answers at once, behind the same async methods as the client it stands in for */
import { randomUUID } from 'node:crypto';
import type { Connection } from '../../../shared/connections/connection-schemas';
import { ConflictError } from '../../../shared/errors';
import { SweepIndex } from '../../../shared/exports/sweep-index';
import { ExportStore, type ExportRecord } from '../../../shared/exports/export-store';
import { defaultMassRemovalGuard, defaultRemovalEvidence } from '../../../shared/limit-settings';
import { createListOwnership } from '../../../shared/list-ownership/create-list-ownership';
import { PlanCheckpoints } from '../../../shared/pipeline/planning/plan-checkpoint';
import { HeldBatches } from '../../../shared/pipeline/planning/held-batches';
import { planRun } from '../../../shared/pipeline/planning/run-planner';
import { PlanningBudget } from '../../../shared/pipeline/planning/planning-budget';
import { RemovalBaselineStore } from '../../../shared/pipeline/planning/removal-baseline';
import type { PipelineDeps } from '../../../shared/pipeline/pipeline-deps';
import { batchMessageFormat, type BatchMessage } from '../../../shared/pipeline/pipeline-messages';
import { RunProgress } from '../../../shared/pipeline/run-progress';
import { newRunId } from '../../../shared/runs/run-id';
import { emptyCounts, type Run, type RunMessage } from '../../../shared/runs/run-schemas';
import { RunStore } from '../../../shared/runs/run-store';
import { SegmentCatalog } from '../../../shared/segments/segment-catalog';
import { defaultSnapshotLimits } from '../../../shared/snapshot/snapshot-limits';
import { ExportListStore } from '../../../shared/state/export-lists';
import { ExportedStateStore } from '../../../shared/state/exported-state';
import { GateStore } from '../../../shared/flow-control/gate-store';
import { KeyGates } from '../../../shared/flow-control/key-gates';
import { FakeIterable } from './fake-iterable';
import { MemoryBatchQueues } from './memory-batch-queues';
import { MemoryContainer } from './memory-container';
import { MemoryQueue } from './memory-queue';
import { MemoryTable } from './memory-table';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  properties: Record<string, unknown> | undefined;
}

/**
 * The run flow's world in memory: the app's real stores over in-memory tables, containers and
 * queues, a real segment catalog over the snapshots written here, and a fake Iterable. `deps` is
 * what the planner, the batch sender and the finalizer receive in the app.
 */
export class PipelineWorld {
  readonly tenantId = 'tenant-a';
  readonly runsTable = new MemoryTable();
  readonly exportsTable = new MemoryTable();
  readonly sweepIndexTable = new MemoryTable();
  readonly listOwnersTable = new MemoryTable();
  readonly flowControlTable = new MemoryTable();
  readonly stateBlobs = new MemoryContainer();
  readonly work = new MemoryContainer();
  readonly segmentBlobs = new MemoryContainer();
  readonly batchQueue = new MemoryBatchQueues();
  readonly runQueue = new MemoryQueue('export-runs');
  readonly onDemandRunQueue = new MemoryQueue('export-runs-on-demand');
  readonly iterable = new FakeIterable();
  readonly logs: LogLine[] = [];
  readonly keyRejections: { runId: string; status: number | undefined }[] = [];
  readonly connection: Connection = connectionRecord();
  /** Set to refuse the connection's key to runs, as a disabled connection does. */
  connectionDisabled = false;
  readonly deps: PipelineDeps;

  constructor() {
    const log = {
      info: (message: string, properties?: Record<string, unknown>) =>
        this.logs.push({ level: 'info', message, properties }),
      warn: (message: string, properties?: Record<string, unknown>) =>
        this.logs.push({ level: 'warn', message, properties }),
      error: (message: string, properties?: Record<string, unknown>) =>
        this.logs.push({ level: 'error', message, properties }),
    };
    const exports = new ExportStore(
      this.exportsTable.asTableClient(),
      new SweepIndex(this.sweepIndexTable.asTableClient()),
    );
    const state = this.stateBlobs.asContainerClient();
    const work = this.work.asContainerClient();
    const batchQueue = this.batchQueue.asBatchQueues();
    this.deps = {
      runs: new RunStore(this.runsTable.asTableClient()),
      progress: new RunProgress(this.runsTable.asTableClient()),
      exports,
      connections: { apiKey: (tenantId, id) => this.#apiKey(tenantId, id) },
      segments: new SegmentCatalog(this.segmentBlobs.asContainerClient()),
      segmentBlobs: this.segmentBlobs.asContainerClient(),
      state: new ExportedStateStore(state),
      lists: new ExportListStore(state),
      listOwnership: createListOwnership(this.listOwnersTable.asTableClient(), exports, log),
      work,
      batchQueue,
      runQueues: {
        scheduled: this.runQueue.asQueueClient(),
        onDemand: this.onDemandRunQueue.asQueueClient(),
      },
      guard: defaultMassRemovalGuard,
      removalEvidence: defaultRemovalEvidence,
      baselines: new RemovalBaselineStore(state),
      held: new HeldBatches(work, batchQueue),
      checkpoints: new PlanCheckpoints(work),
      planningBudget: new PlanningBudget(1_000_000, 100_000, 0),
      planningLimits: { membersInMemory: 1_250_000 },
      snapshotLimits: defaultSnapshotLimits,
      iterable: () => this.iterable,
      flow: new KeyGates(new GateStore(this.flowControlTable.asTableClient())),
      webhookEvents: {
        connectionKeyRejected: async (_tenantId, run, problem) => {
          this.keyRejections.push({ runId: run.runId, status: problem.status });
        },
      },
      log,
    };
  }

  /** Saves an export of the given segments (mirror, e-mail column `email`, no data fields). */
  async addExport(overrides: Partial<ExportRecord> = {}): Promise<ExportRecord> {
    const now = new Date().toISOString();
    const record: ExportRecord = {
      id: randomUUID(),
      tenantId: this.tenantId,
      displayName: 'Weekly newsletter',
      connectionId: this.connection.id,
      segments: ['Newsletter'],
      emailField: 'email',
      dataFields: {},
      syncMode: 'mirror',
      schedule: { mode: 'off' },
      enabled: true,
      createdAt: now,
      createdBy: 'user-1',
      updatedAt: now,
      updatedBy: 'user-1',
      ...overrides,
    };
    await this.deps.exports.create(record, 100);
    return record;
  }

  /** Writes a segment's CSV snapshot as the platform would: a header, then a line a member. */
  writeSnapshot(segment: string, lines: string[], header = 'email'): void {
    this.segmentBlobs.put(`${this.tenantId}/${segment}.csv`, [header, ...lines].join('\n'));
  }

  /** Requests a run of the export (a row `queued`, as the runs API writes it) and its message. */
  async queueRun(
    exportRecord: ExportRecord,
    options: Partial<Pick<Run, 'mode' | 'dryRun' | 'trigger'>> = {},
  ): Promise<RunMessage> {
    const createdAt = new Date();
    const run: Run = {
      id: newRunId(createdAt.getTime()),
      exportId: exportRecord.id,
      trigger: options.trigger ?? 'manual',
      mode: options.mode ?? 'delta',
      dryRun: options.dryRun ?? false,
      status: 'queued',
      counts: emptyCounts(),
      percentComplete: 0,
      segments: exportRecord.segments.map((name) => ({ name, counts: emptyCounts() })),
      createdAt: createdAt.toISOString(),
    };
    if (!(await this.deps.runs.start(this.tenantId, run))) throw new Error('A run is active');
    return { tenantId: this.tenantId, exportId: exportRecord.id, runId: run.id };
  }

  /** The batch messages enqueued so far on both queues, parsed as the batch worker reads them; both empty. */
  takeBatchMessages(): BatchMessage[] {
    return this.batchQueue.take().map((message) => batchMessageFormat.parse(message.body));
  }

  /** Plans the run as the run worker would; its batch messages wait in the batch queue. */
  async plan(message: RunMessage): Promise<void> {
    await planRun(this.deps, message);
  }

  /** The members the export's confirmed state holds for a segment, as the next run reads them. */
  async confirmedMembers(exportId: string, segment: string): Promise<string[]> {
    const state = await this.deps.state.load(this.tenantId, exportId, segment);
    return [...state.keys()].sort();
  }

  async run(message: RunMessage): Promise<Run> {
    const run = await this.deps.runs.get(message.tenantId, message.exportId, message.runId);
    if (!run) throw new Error(`No run ${message.runId}`);
    return run;
  }

  async #apiKey(tenantId: string, id: string) {
    if (tenantId !== this.tenantId || id !== this.connection.id)
      throw new Error(`No connection ${id}`);
    if (this.connectionDisabled)
      throw new ConflictError('The connection is disabled; its exports do not run.');
    return { connection: this.connection, apiKey: 'fake-iterable-key' };
  }
}

function connectionRecord(): Connection {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    displayName: 'Marketing project',
    region: 'us',
    allowContributors: true,
    exportUsers: [],
    consent: { accepted: true, acceptedBy: 'admin-1', acceptedAt: now },
    keyHint: '-key',
    enabled: true,
    createdAt: now,
    createdBy: 'admin-1',
    updatedAt: now,
    updatedBy: 'admin-1',
  };
}
