import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import { queueNames } from '../storage-layout';
import type { Run } from './run-schemas';

/**
 * The two queues a run's messages go to. Each is read by its own function, so the host polls
 * them independently: a burst of scheduled runs never stands in front of a run someone asked for.
 */
export interface RunQueues {
  /** export-runs: runs of the refresh timer and of reported refreshes. */
  scheduled: QueueClient;
  /** export-runs-on-demand: runs requested through the API, and an Admin's release of one. */
  onDemand: QueueClient;
}

/** The run queues of one storage account. */
export function runQueuesOf(queues: Pick<QueueServiceClient, 'getQueueClient'>): RunQueues {
  return {
    scheduled: queues.getQueueClient(queueNames.exportRuns),
    onDemand: queues.getQueueClient(queueNames.exportRunsOnDemand),
  };
}

/**
 * Where a run's message goes: chosen from the run's trigger, so every message of a run (its first,
 * a put-back, a resend) stays on the queue the run started on. A release is someone waiting too.
 */
export function runQueueFor(
  queues: RunQueues,
  run: Partial<Pick<Run, 'trigger'>>,
  action?: 'release',
): QueueClient {
  return run.trigger === 'manual' || action === 'release' ? queues.onDemand : queues.scheduled;
}
