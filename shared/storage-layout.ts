/**
 * Every queue, table and blob container the app uses, in one place: the code, the local start
 * script and the infrastructure templates all take their names from here.
 */
export const queueNames = {
  /** The first message of each scheduled or refresh run, and its put-backs. */
  exportRuns: 'export-runs',
  /**
   * The same for runs requested on demand (and an Admin's release of a held run): a queue and a
   * listener of their own, so a burst of scheduled runs never holds them up.
   */
  exportRunsOnDemand: 'export-runs-on-demand',
  /** A run's batches after its first few (those go express). */
  exportBatches: 'export-batches',
  /**
   * The first few batches of every run (batch-queues.ts): a queue and a listener of their own, so
   * a small run never waits behind the hundreds of batches a large run has queued.
   */
  exportBatchesExpress: 'export-batches-express',
  /** A run's or a connection's event, to be fanned out to the tenant's webhooks. */
  webhookEvents: 'webhook-events',
  /** One event for one webhook: a POST to its URL, put back with a delay while it fails. */
  webhookDeliveries: 'webhook-deliveries',
  /** A tenant's segment events to look at once its snapshots have been quiet for a while. */
  segmentEventChecks: 'segment-event-checks',
  /**
   * The refresh timer's fan-out: one message per shard of the sweep index each tick, and a
   * shard's continuation when it ran out of budget.
   */
  refreshSweepShards: 'refresh-sweep-shards',
} as const;

export const tableNames = {
  connections: 'connections',
  exports: 'exports',
  runs: 'runs',
  schedules: 'schedules',
  audit: 'audit',
  /** Which export owns which Iterable list, and the project identity behind each key. */
  listOwners: 'listowners',
  /** The tenant's webhooks (their secrets live in Key Vault) and the events already emitted. */
  webhooks: 'webhooks',
  /** One gate row per Iterable key (its SHA-256): the send slots all instances book. */
  flowControl: 'flowcontrol',
  /**
   * The refresh sweep's index: every scheduled export by a hash of its id (exports/sweep-index.ts),
   * and each shard's saved place.
   */
  sweepIndex: 'sweepindex',
} as const;

/**
 * Containers in the runtime storage account (AzureWebJobsStorage). The blobs inside them are
 * named in work-blobs.ts.
 */
export const containerNames = {
  batches: 'export-batches',
  exportState: 'export-state',
} as const;

/** The container the platform writes segment snapshots to (SEGMENTS_STORAGE). */
export const segmentsContainerName = 'segments';

/** The host moves a message here after maxDequeueCount failed attempts. */
export function poisonQueueName(queueName: string): string {
  return `${queueName}-poison`;
}
