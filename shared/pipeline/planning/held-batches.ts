import type { ContainerClient } from '@azure/storage-blob';
import type { BatchQueues } from '../batch-queues';
import { enqueueBatch } from './batch-writer';
import { batchMessageFormat, type BatchMessage } from '../pipeline-messages';
import { heldBatchesBlobName } from '../../work-blobs';

/** How many held batches are enqueued at once when they are released. */
const releaseConcurrency = 16;

/**
 * Batches of a run held back by the mass-removal guard: their blobs are written, their queue
 * messages kept in one blob of the run (`held.jsonl`, a message a line, each with its version)
 * until an Admin confirms the run. Releasing twice enqueues twice, which the batch worker counts
 * once.
 */
export class HeldBatches {
  constructor(
    private readonly work: ContainerClient,
    private readonly queues: BatchQueues,
  ) {}

  #blob(tenantId: string, runId: string) {
    return this.work.getBlockBlobClient(heldBatchesBlobName(tenantId, runId));
  }

  async save(tenantId: string, runId: string, messages: BatchMessage[]): Promise<void> {
    const body = messages.map((message) => batchMessageFormat.serialize(message)).join('\n');
    await this.#blob(tenantId, runId).upload(body, Buffer.byteLength(body));
  }

  async load(tenantId: string, runId: string): Promise<BatchMessage[]> {
    const text = (await this.#blob(tenantId, runId).downloadToBuffer()).toString('utf8');
    return text
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => batchMessageFormat.parse(JSON.parse(line)));
  }

  /** Enqueues the messages, a few at a time. */
  async release(messages: BatchMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += releaseConcurrency) {
      await Promise.all(
        messages
          .slice(start, start + releaseConcurrency)
          .map((message) => enqueueBatch(this.queues, message)),
      );
    }
  }
}
