import type { ContainerClient } from '@azure/storage-blob';
import type { ConnectionService } from '../connections/connection-service';
import type { ExportStore } from '../exports/export-store';
import type { RunQueues } from '../runs/run-queues';
import type { RunStore } from '../runs/run-store';
import type { MassRemovalGuard, RemovalEvidence } from '../settings';
import type { SegmentCatalog } from '../segments/segment-catalog';
import type {
  ExportListStore,
  IterableListApi,
  PipelineListOwnership,
} from '../state/export-lists';
import type { ExportedStateStore } from '../state/exported-state';
import type { BatchQueues } from './batch-queues';
import type { HeldBatches } from './planning/held-batches';
import type { PlanningBudget } from './planning/planning-budget';
import type { RemovalBaselineStore } from './planning/removal-baseline';
import type { RunProgress } from './run-progress';
import type { SnapshotLimits } from '../snapshot/snapshot-limits';
import type { WebhookEmitter } from '../webhooks/webhook-emitter';
import type { ListWriteOptions } from '../clients/iterable/iterable-client-options';
import type { FlowControl } from '../flow-control/key-gates';
import type { PlanCheckpoints } from './planning/plan-checkpoint';

/** What the Iterable client offers the pipeline. */
export interface IterablePipelineApi extends IterableListApi {
  subscribe(
    listId: number,
    subscribers: { email: string; dataFields: Record<string, unknown> }[],
    options?: ListWriteOptions,
  ): Promise<BulkResultLike>;
  subscribeJson(
    listId: number,
    subscribersJson: string,
    options?: ListWriteOptions,
  ): Promise<BulkResultLike>;
  unsubscribe(
    listId: number,
    emails: string[],
    options?: ListWriteOptions,
  ): Promise<BulkResultLike>;
}

/** Everything the planner, the batch worker and the finalizer use, built once per process. */
export interface PipelineDeps {
  runs: RunStore;
  progress: RunProgress;
  exports: ExportStore;
  connections: Pick<ConnectionService, 'apiKey'>;
  segments: Pick<SegmentCatalog, 'snapshot'>;
  segmentBlobs: ContainerClient;
  state: ExportedStateStore;
  lists: ExportListStore;
  /** Which export owns which list: a run writes only lists its export owns. */
  listOwnership: PipelineListOwnership;
  /** Batch blobs, failure lists and rejections of runs. */
  work: ContainerClient;
  /** The batch queues, express and main: `batchQueueFor` picks a batch's. */
  batchQueue: BatchQueues;
  /** Where planning that must wait is put back: the queue its run started on. */
  runQueues: RunQueues;
  /** When a run's removals need an Admin's confirmation (see Settings.massRemovalGuard). */
  guard: MassRemovalGuard;
  /** When a snapshot looks damaged, so its run removes no one (see Settings.removalEvidence). */
  removalEvidence: RemovalEvidence;
  /** What each segment looked like before: the reference for both of the above. */
  baselines: RemovalBaselineStore;
  held: HeldBatches;
  /** Members this process plans in memory at once, shared by every run it plans. */
  planningBudget: PlanningBudget;
  /** Checkpoints of plans too large for memory, planned in steps. */
  checkpoints: PlanCheckpoints;
  /** The most members a plan holds in memory; a larger segment is planned in steps. */
  planningLimits: { membersInMemory: number };
  /** How large a snapshot a run reads before it fails (see Settings.snapshotLimits). */
  snapshotLimits: SnapshotLimits;
  /**
   * A client for the connection. `batches` is the batch worker's: one attempt per call, since
   * its key's gate (`flow`) paces it and the queue brings a failed batch back; the planner's few
   * list calls (`lists`, the default) keep the client's own retries.
   */
  iterable(
    connection: { id: string; region: 'us' | 'eu'; requestsPerSecond?: number },
    apiKey: string,
    use?: 'lists' | 'batches',
  ): IterablePipelineApi;
  /** The send slots of every Iterable key, shared by all instances (flow-control/). */
  flow: FlowControl;
  /** Tells the tenant's webhooks what the pipeline meets (a refused key); never throws. */
  webhookEvents: Pick<WebhookEmitter, 'connectionKeyRejected'>;
  log: {
    info(message: string, properties?: Record<string, unknown>): void;
    warn(message: string, properties?: Record<string, unknown>): void;
    error(message: string, properties?: Record<string, unknown>): void;
  };
}

/** What Iterable answers to a subscribe or unsubscribe request, as the sender reads it. */
export interface BulkResultLike {
  successCount: number;
  failCount: number;
  failures: { email: string; reason: string }[];
}
