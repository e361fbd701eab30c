import type { ContainerClient } from '@azure/storage-blob';
import { batchQueueFor, type BatchQueues } from '../batch-queues';
import { WritePool } from '../../write-pool';
import { batchMessageText, changeCodes, type BatchMessage } from '../pipeline-messages';
import {
  envelopeBytes,
  maxBatchBytes,
  maxMemberBytes,
  maxBatchMembers,
} from '../../clients/iterable/batch-limits';
import type { SubscribeChange } from '../../state/delta-plan';
import { currentTraceparent } from '../../telemetry';
import { batchBlobName } from '../../work-blobs';

/** How many batch blobs and messages are written at once while the planner streams on. */
const writeConcurrency = 16;

export type WriterMode = 'send' | 'hold' | 'holdRemovals' | 'count';

export interface ListTarget {
  segment: string;
  listId: number;
  listCreatedAt?: number;
}

/** An open batch: its members already serialized, once, as Iterable will receive them. */
interface OpenBatch {
  kind: 'subscribe' | 'unsubscribe';
  target: ListTarget;
  parts: string[];
  changes: string;
  bytes: number;
}

/**
 * Cuts the members to send into batches (at most 1,000 members, under 4 MB), writes each as a
 * blob and enqueues a reference to it on its batch queue (batch-queues.ts). Writes overlap with planning, bounded so
 * memory stays flat however large the segment.
 */
export class BatchWriter {
  #count = 0;
  readonly #writes = new WritePool(writeConcurrency);
  #open: OpenBatch | undefined;
  /** Messages of batches written but not yet enqueued (when holding). */
  readonly held: BatchMessage[] = [];
  /** The planner's trace, continued by every batch. */
  readonly #traceparent = currentTraceparent();

  constructor(
    private readonly container: ContainerClient,
    private readonly queues: BatchQueues,
    private readonly ids: { tenantId: string; exportId: string; runId: string },
    /**
     * send: write and enqueue each batch as it fills; hold: write the blobs but keep the messages
     * (in `held`) until the plan is known to be safe; holdRemovals: the same for removals only,
     * adds and updates go at once; count: a dry run, nothing is written.
     */
    private readonly mode: WriterMode,
    /** The first batch's number: a plan in steps numbers on from the batches of earlier steps. */
    firstBatch = 0,
  ) {
    this.#count = firstBatch;
  }

  get batchCount(): number {
    return this.#count;
  }

  /**
   * Adds a member to the open batch. Returns a promise only when a full batch was handed on
   * and the planner should wait for it (most calls return nothing and cost no await).
   */
  subscribe(
    target: ListTarget,
    subscriber: { email: string; dataFields: Record<string, unknown> },
    change: SubscribeChange,
  ): Promise<void> | undefined {
    const json = JSON.stringify(subscriber);
    // Bytes, not characters, count against Iterable's limit: a short member is taken at its
    // worst case (3 bytes a character) rather than measured.
    const size = json.length > 256 ? Buffer.byteLength(json) + 1 : json.length * 3 + 1;
    if (size > maxMemberBytes + 1) {
      throw new Error('A member too large for any batch reached the batch writer');
    }
    const open = this.#open;
    if (
      open &&
      open.kind === 'subscribe' &&
      open.target.listId === target.listId &&
      open.parts.length < maxBatchMembers &&
      open.bytes + size <= maxBatchBytes
    ) {
      open.parts.push(json);
      open.changes += changeCodes[change];
      open.bytes += size;
      return undefined;
    }
    return this.flush().then(() => {
      this.#open = {
        kind: 'subscribe',
        target,
        parts: [json],
        changes: changeCodes[change],
        bytes: envelopeBytes + size,
      };
    });
  }

  async unsubscribe(target: ListTarget, emails: string[]): Promise<void> {
    await this.flush();
    for (let start = 0; start < emails.length; start += maxBatchMembers) {
      const parts = emails
        .slice(start, start + maxBatchMembers)
        .map((email) => JSON.stringify(email));
      this.#open = { kind: 'unsubscribe', target, parts, changes: '', bytes: 0 };
      await this.flush();
    }
  }

  /** Sends the open batch on its way; waits only when too many writes are already running. */
  async flush(): Promise<void> {
    const open = this.#open;
    this.#open = undefined;
    if (!open) return;
    this.#writes.throwIfFailed();
    const batch = this.#count++;
    if (this.mode === 'count') return;
    await this.#writes.track(this.#writeBatch(batch, open));
  }

  /** Flushes the last batch and waits for every write; throws the first write failure. */
  async close(): Promise<number> {
    await this.flush();
    await this.#writes.settled();
    return this.#count;
  }

  async #writeBatch(batch: number, open: OpenBatch): Promise<void> {
    const body = `[${open.parts.join(',')}]`;
    const blob = this.container.getBlockBlobClient(
      batchBlobName(this.ids.tenantId, this.ids.runId, batch),
    );
    await blob.upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
    const message: BatchMessage = {
      ...this.ids,
      batch,
      kind: open.kind,
      segment: open.target.segment,
      listId: open.target.listId,
      ...(open.target.listCreatedAt ? { listCreatedAt: open.target.listCreatedAt } : {}),
      size: open.parts.length,
      ...(open.kind === 'subscribe' ? { changes: open.changes } : {}),
      ...(this.#traceparent ? { traceparent: this.#traceparent } : {}),
      attempt: 0,
    };
    const hold =
      this.mode === 'hold' || (this.mode === 'holdRemovals' && open.kind === 'unsubscribe');
    if (hold) this.held.push(message);
    else await enqueueBatch(this.queues, message);
  }
}

/** Enqueues a batch's first message, on the queue its number picks. */
export async function enqueueBatch(queues: BatchQueues, message: BatchMessage): Promise<void> {
  await batchQueueFor(queues, message).sendMessage(batchMessageText(message));
}
