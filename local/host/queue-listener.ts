import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { RegisteredFunction } from './core-api';
import type { RpcTypedData } from './core-types';
import type { QueueOptions } from './host-config';
import type { HostLog } from './host-log';
import type { Invoker } from './invoker';
import { decodeMessage } from './queue-encoding';

/** Messages are leased for 10 minutes and the lease renewed while the function runs (QueueListener.cs). */
const leaseSeconds = 600;
const leaseRenewMs = (leaseSeconds / 2) * 1000;
const minPollMs = 100;

export interface QueueListenerDeps {
  fn: RegisteredFunction;
  triggerBindingName: string;
  queue: QueueClient;
  poisonQueue: QueueClient;
  options: QueueOptions;
  invoker: Invoker;
  log: HostLog;
}

interface Lease {
  message: DequeuedMessageItem;
  popReceipt: string;
  released: boolean;
}

/**
 * A storage-queue trigger with the real host's semantics: receive `batchSize` messages, fetch
 * again once no more than `newBatchThreshold` are in flight, delete on success, release with
 * `visibilityTimeout` on failure, and move a message to `<queue>-poison` when it has failed
 * `maxDequeueCount` times or cannot be decoded. An empty queue is polled with randomized
 * exponential back-off up to `maxPollingInterval`; `notify()` polls at once (SharedQueueWatcher).
 */
export class QueueListener {
  #inFlight = new Map<string, Lease>();
  #stopping = false;
  #sleepers = new Set<() => void>();
  #loop: Promise<void> | undefined;
  #backoffMs = 0;

  constructor(private readonly deps: QueueListenerDeps) {}

  get queueName(): string {
    return this.deps.queue.name;
  }

  start(): void {
    this.#loop = this.#poll().catch((error: unknown) => {
      this.deps.log.error(`Queue listener for "${this.queueName}" stopped: ${String(error)}`);
    });
  }

  notify(): void {
    this.#backoffMs = 0;
    this.#wakeAll();
  }

  /**
   * Stops receiving, waits up to `graceMs` for running invocations, then makes the messages of
   * any that are still running visible again so another instance picks them up at once.
   */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    this.#wakeAll();
    await this.#loop;
    const deadline = Date.now() + graceMs;
    while (this.#inFlight.size > 0 && Date.now() < deadline) {
      await this.#sleep(Math.min(50, deadline - Date.now()));
    }
    await Promise.allSettled([...this.#inFlight.values()].map((lease) => this.#release(lease, 0)));
  }

  async #poll(): Promise<void> {
    const { queue, options, log } = this.deps;
    let warnedMissing = false;
    while (!this.#stopping) {
      if (this.#inFlight.size > options.newBatchThreshold) {
        await this.#sleep(minPollMs);
        continue;
      }
      let messages: DequeuedMessageItem[];
      try {
        const response = await queue.receiveMessages({
          numberOfMessages: options.batchSize,
          visibilityTimeout: leaseSeconds,
        });
        messages = response.receivedMessageItems;
        warnedMissing = false;
      } catch (error) {
        // The real listener does not create its queue: it waits, backing off, until it exists.
        if ((error as { statusCode?: number }).statusCode === 404 && !warnedMissing) {
          log.info(`Queue "${queue.name}" does not exist yet; waiting for it`);
          warnedMissing = true;
        } else if ((error as { statusCode?: number }).statusCode !== 404) {
          log.error(`Receiving from queue "${queue.name}" failed: ${String(error)}`);
        }
        messages = [];
      }
      if (messages.length === 0) {
        await this.#sleep(this.#nextBackoff());
        continue;
      }
      this.#backoffMs = 0;
      for (const message of messages) {
        const lease: Lease = { message, popReceipt: message.popReceipt, released: false };
        if (this.#stopping) {
          await this.#release(lease, 0);
          continue;
        }
        this.#inFlight.set(message.messageId, lease);
        void this.#process(lease).finally(() => {
          this.#inFlight.delete(message.messageId);
          this.#wakeAll();
        });
      }
    }
  }

  async #process(lease: Lease): Promise<void> {
    const { options, log, fn } = this.deps;
    const { message } = lease;
    const text = decodeMessage(message.messageText, options.messageEncoding);
    if (text === undefined) {
      log.error(`Message ${message.messageId} on "${this.queueName}" is not valid base64`);
      return this.#poison(lease);
    }
    if (message.dequeueCount > options.maxDequeueCount) return this.#poison(lease);

    const renew = setInterval(() => void this.#renew(lease), leaseRenewMs);
    try {
      await this.deps.invoker.invoke(fn, {
        inputData: [{ name: this.deps.triggerBindingName, data: { string: text } }],
        triggerMetadata: triggerMetadata(message, text),
      });
      clearInterval(renew);
      if (!lease.released) await this.deps.queue.deleteMessage(message.messageId, lease.popReceipt);
    } catch {
      clearInterval(renew);
      // The invoker has logged the failure; what remains is the message's fate.
      if (lease.released) return;
      if (message.dequeueCount >= options.maxDequeueCount) return this.#poison(lease);
      await this.#release(lease, options.visibilityTimeoutMs / 1000);
    }
  }

  async #poison(lease: Lease): Promise<void> {
    const { poisonQueue, queue, log, options } = this.deps;
    log.error(
      `Message has reached MaxDequeueCount of ${options.maxDequeueCount}. Moving message to queue '${poisonQueue.name}'.`,
    );
    await poisonQueue.createIfNotExists();
    // The body is copied as stored (still encoded), as the host's CopyMessageToPoisonQueueAsync does.
    await poisonQueue.sendMessage(lease.message.messageText);
    await queue.deleteMessage(lease.message.messageId, lease.popReceipt);
  }

  async #release(lease: Lease, visibilitySeconds: number): Promise<void> {
    if (lease.released) return;
    lease.released = true;
    await this.deps.queue
      .updateMessage(lease.message.messageId, lease.popReceipt, undefined, visibilitySeconds)
      .catch((error: unknown) => {
        this.deps.log.error(
          `Releasing message ${lease.message.messageId} failed: ${String(error)}`,
        );
      });
  }

  async #renew(lease: Lease): Promise<void> {
    if (lease.released) return;
    try {
      const updated = await this.deps.queue.updateMessage(
        lease.message.messageId,
        lease.popReceipt,
        undefined,
        leaseSeconds,
      );
      if (updated.popReceipt) lease.popReceipt = updated.popReceipt;
    } catch (error) {
      this.deps.log.error(
        `Renewing the lease of ${lease.message.messageId} failed: ${String(error)}`,
      );
    }
  }

  #nextBackoff(): number {
    const max = this.deps.options.maxPollingIntervalMs;
    const base = this.#backoffMs === 0 ? minPollMs : Math.min(max, this.#backoffMs * 2);
    this.#backoffMs = base;
    // Randomized like RandomizedExponentialBackoffStrategy, so instances do not poll in step.
    return Math.max(minPollMs, Math.round(base * (0.8 + Math.random() * 0.4)));
  }

  /** Sleeps up to `ms`; `#wakeAll` ends every sleep early. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#sleepers.add(done);
    });
  }

  #wakeAll(): void {
    for (const wake of [...this.#sleepers]) wake();
  }
}

/** The trigger metadata the host's QueueTriggerBinding.CreateBindingData supplies. */
function triggerMetadata(message: DequeuedMessageItem, text: string): Record<string, RpcTypedData> {
  const date = (value: Date | undefined) => ({
    json: JSON.stringify(value?.toISOString() ?? null),
  });
  return {
    QueueTrigger: { string: text },
    DequeueCount: { json: String(message.dequeueCount) },
    ExpirationTime: date(message.expiresOn),
    Id: { string: message.messageId },
    InsertionTime: date(message.insertedOn),
    NextVisibleTime: date(message.nextVisibleOn),
    PopReceipt: { string: message.popReceipt },
  };
}
