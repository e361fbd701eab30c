import type { ContainerClient } from '@azure/storage-blob';
import type { QueueClient } from '@azure/storage-queue';
import {
  maxBatchBytes,
  maxBatchMembers,
  type BatchMessage,
  type BatchPayload,
} from './pipeline-messages';

/** How many batch blobs and messages are written at once while the planner streams on. */
const writeConcurrency = 16;

export function batchBlobName(tenantId: string, runId: string, batch: number): string {
  return `${encodeURIComponent(tenantId)}/${runId}/${String(batch).padStart(6, '0')}.json`;
}

/**
 * Cuts the members to send into batches (at most 1,000 members, under 4 MB), writes each as a
 * blob and enqueues a reference to it on export-batches. Writes overlap with planning, bounded so
 * memory stays flat however large the segment.
 */
export class BatchWriter {
  #count = 0;
  #inFlight = new Set<Promise<void>>();
  #failure: Error | undefined;
  #pending: { payload: BatchPayload; bytes: number } | undefined;

  constructor(
    private readonly container: ContainerClient,
    private readonly queue: QueueClient,
    private readonly ids: { tenantId: string; exportId: string; runId: string },
    /** false for a dry run: count batches, write nothing. */
    private readonly write: boolean,
  ) {}

  get batchCount(): number {
    return this.#count;
  }

  /**
   * Adds a member to the open batch. Returns a promise only when a full batch was handed on
   * and the planner should wait for it (most calls return nothing and cost no await).
   */
  subscribe(
    target: { segment: string; listId: number; listCreatedAt?: number },
    subscriber: { email: string; dataFields: Record<string, unknown> },
    change: 'added' | 'updated' | 'resent',
  ): Promise<void> | undefined {
    const size = JSON.stringify(subscriber).length + 12;
    const pending = this.#pending;
    if (
      pending &&
      pending.payload.kind === 'subscribe' &&
      pending.payload.listId === target.listId &&
      pending.payload.subscribers.length < maxBatchMembers &&
      pending.bytes + size <= maxBatchBytes
    ) {
      pending.payload.subscribers.push(subscriber);
      pending.payload.changes.push(change);
      pending.bytes += size;
      return undefined;
    }
    return this.flush().then(() => {
      this.#pending = {
        payload: {
          kind: 'subscribe',
          ...target,
          subscribers: [subscriber],
          changes: [change],
        },
        bytes: 256 + size,
      };
    });
  }

  async unsubscribe(target: { segment: string; listId: number }, emails: string[]): Promise<void> {
    await this.flush();
    for (let start = 0; start < emails.length; start += maxBatchMembers) {
      this.#pending = {
        payload: {
          kind: 'unsubscribe',
          ...target,
          emails: emails.slice(start, start + maxBatchMembers),
        },
        bytes: 0,
      };
      await this.flush();
    }
  }

  /** Sends the open batch on its way; waits only when too many writes are already running. */
  async flush(): Promise<void> {
    const pending = this.#pending;
    this.#pending = undefined;
    if (!pending) return;
    if (this.#failure) throw this.#failure;
    const batch = this.#count++;
    if (!this.write) return;
    while (this.#inFlight.size >= writeConcurrency) await Promise.race(this.#inFlight);
    const writing = this.#writeBatch(batch, pending.payload).catch((error: unknown) => {
      this.#failure ??= error instanceof Error ? error : new Error(String(error));
    });
    const tracked = writing.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  /** Flushes the last batch and waits for every write; throws the first write failure. */
  async close(): Promise<number> {
    await this.flush();
    await Promise.all(this.#inFlight);
    if (this.#failure) throw this.#failure;
    return this.#count;
  }

  async #writeBatch(batch: number, payload: BatchPayload): Promise<void> {
    const body = JSON.stringify(payload);
    const blob = this.container.getBlockBlobClient(
      batchBlobName(this.ids.tenantId, this.ids.runId, batch),
    );
    await blob.upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
    const message: BatchMessage = {
      ...this.ids,
      batch,
      kind: payload.kind,
      segment: payload.segment,
      size: payload.kind === 'subscribe' ? payload.subscribers.length : payload.emails.length,
      attempt: 0,
    };
    // The Functions host reads queue messages as base64 (host.json messageEncoding).
    await this.queue.sendMessage(Buffer.from(JSON.stringify(message)).toString('base64'));
  }
}
