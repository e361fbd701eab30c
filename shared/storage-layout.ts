/**
 * Every queue, table and blob container the app uses, in one place: the code, the local start
 * script and the infrastructure templates all take their names from here.
 */
export const queueNames = {
  exportRuns: 'export-runs',
  exportBatches: 'export-batches',
} as const;

export const tableNames = {
  connections: 'connections',
  exports: 'exports',
  runs: 'runs',
  schedules: 'schedules',
  audit: 'audit',
  /** Which export owns which Iterable list, and the project identity behind each key. */
  listOwners: 'listowners',
} as const;

/** Containers in the runtime storage account (AzureWebJobsStorage). */
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
