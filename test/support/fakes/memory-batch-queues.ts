import type { BatchQueues } from '../../../shared/pipeline/batch-queues';
import { MemoryQueue, type SentMessage } from './memory-queue';

/**
 * The two batch queues in memory (express and main). A test that only cares that a batch was
 * sent, not on which lane, reads `sent` or `take()` across both.
 */
export class MemoryBatchQueues {
  readonly main = new MemoryQueue('export-batches');
  readonly express = new MemoryQueue('export-batches-express');

  asBatchQueues(): BatchQueues {
    return { main: this.main.asQueueClient(), express: this.express.asQueueClient() };
  }

  /** What both queues hold, the express queue's first. */
  get sent(): SentMessage[] {
    return [...this.express.sent, ...this.main.sent];
  }

  /** The messages of both queues, decoded, the express queue's first; both are left empty. */
  take(): ReturnType<MemoryQueue['take']> {
    return [...this.express.take(), ...this.main.take()];
  }
}
