import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import { queueNames } from '../storage-layout';
import type { BatchMessage } from './pipeline-messages';

/**
 * How many of a run's first batches go express. A run of up to this many batches (8,000 members)
 * is sent wholly from the express queue, and a large run puts at most this many batches there,
 * so a small run requested while a large one sends waits behind a few batches, not a thousand.
 */
export const expressBatches = 8;

/**
 * The two queues a run's batches go to. Each is read by its own function, so the host polls them
 * independently: the express queue is never deep, whatever the main queue holds.
 */
export interface BatchQueues {
  /** export-batches: every batch of a run from its `expressBatches`-th on. */
  main: QueueClient;
  /** export-batches-express: the first `expressBatches` batches of every run. */
  express: QueueClient;
}

/** The batch queues of one storage account. */
export function batchQueuesOf(queues: Pick<QueueServiceClient, 'getQueueClient'>): BatchQueues {
  return {
    main: queues.getQueueClient(queueNames.exportBatches),
    express: queues.getQueueClient(queueNames.exportBatchesExpress),
  };
}

/**
 * Where a batch's message goes: chosen from its number alone, so every message of a batch (the
 * first, a put-back to its return time, a requeue after a 429 or 5xx, a held batch released)
 * goes to the same queue. Both queues are handled alike, so a message on either is sent.
 */
export function batchQueueFor(
  queues: BatchQueues,
  message: Pick<BatchMessage, 'batch'>,
): QueueClient {
  return message.batch < expressBatches ? queues.express : queues.main;
}
