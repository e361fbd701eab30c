import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { RpcTypedData } from './core-types';
import type { QueueOptions } from './host-config';
import type { HostLog } from './host-log';
import type { HostFunction, Invoker } from './invoker';
import { decodeMessage } from './queue-encoding';

/**
 * Messages are leased for 10 minutes and the lease renewed while the function runs
 * (QueueListener.cs): a host that dies mid-invocation leaves its messages invisible that long.
 */
const defaultLeaseSeconds = 600;
const minPollMs = 100;

export interface QueueListenerDeps {
  fn: HostFunction;
  triggerBindingName: string;
  queue: QueueClient;
  /** Undefined when the queue has none (its name ends in "-poison" or would be too long). */
  poisonQueue: QueueClient | undefined;
  options: QueueOptions;
  invoker: Pick<Invoker, 'invoke'>;
  log: HostLog;
  /** How long a received message stays invisible while it runs; default 600 s, as in Azure. */
  leaseSeconds?: number;
  /** How often a running message's lease is renewed: halfway through it, unless a test says otherwise. */
  leaseRenewMs?: number;
}

interface Lease {
  message: DequeuedMessageItem;
  popReceipt: string;
  /**
   * "running" until someone decides the message's fate: its own invocation ("settling": delete,
   * release or poison) or shutdown ("released"). Only the first decision counts, so a message is
   * never both returned to the queue and committed.
   */
  state: 'running' | 'settling' | 'released';
  /**
   * Every storage call for this message runs on this chain, one after another, so a delete or
   * release waits for an in-flight renewal and uses the popReceipt that renewal returned.
   */
  chain: Promise<unknown>;
  renewTimer?: NodeJS.Timeout;
  /** The message's processing, from its invocation to its settlement; it never rejects. */
  processing: Promise<void>;
}

/**
 * A storage-queue trigger with the real host's semantics: receive `batchSize` messages, fetch
 * again once no more than `newBatchThreshold` are in flight, delete on success, release with
 * `visibilityTimeout` on failure, and move a message to `<queue>-poison` when it has failed
 * `maxDequeueCount` times or cannot be decoded. An empty queue is polled with randomized
 * exponential back-off up to `maxPollingInterval`; `notify()` polls at once (SharedQueueWatcher).
 * Storage errors after an invocation are logged, never thrown: the host must keep running.
 */
export class QueueListener {
  #inFlight = new Map<string, Lease>();
  #stopping = false;
  #sleepers = new Set<() => void>();
  #loop: Promise<void> | undefined;
  #backoffMs = 0;

  constructor(private readonly deps: QueueListenerDeps) {}

  get #leaseSeconds(): number {
    return this.deps.leaseSeconds ?? defaultLeaseSeconds;
  }

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

  /** Stops fetching messages; running ones carry on. */
  async stopReceiving(): Promise<void> {
    this.#stopping = true;
    this.#wakeAll();
    await this.#loop;
  }

  /** Resolves when every message taken so far has been settled (deleted, released or poisoned). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#inFlight.values()].map((lease) => lease.processing));
  }

  /**
   * Shutdown gave up waiting: makes the messages of invocations that still run visible again at
   * once, so another instance takes them, and marks them so those invocations write no outputs.
   * A message whose invocation already settles (writing outputs, deleting) is left to finish:
   * releasing it then would deliver it twice.
   */
  async abandonRunning(): Promise<void> {
    const waits = [...this.#inFlight.values()].map((lease) => {
      if (lease.state !== 'running') return lease.processing;
      lease.state = 'released';
      clearInterval(lease.renewTimer);
      return this.#release(lease, 0);
    });
    await Promise.allSettled(waits);
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
          visibilityTimeout: this.#leaseSeconds,
        });
        messages = response.receivedMessageItems;
        warnedMissing = false;
      } catch (error) {
        // The real listener does not create its queue: it waits, backing off, until it exists.
        if (statusOf(error) === 404 && !warnedMissing) {
          log.info(`Queue "${queue.name}" does not exist yet; waiting for it`);
          warnedMissing = true;
        } else if (statusOf(error) !== 404) {
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
        const lease: Lease = {
          message,
          popReceipt: message.popReceipt,
          state: 'running',
          chain: Promise.resolve(),
          processing: Promise.resolve(),
        };
        if (this.#stopping) {
          lease.state = 'released';
          await this.#release(lease, 0);
          continue;
        }
        this.#inFlight.set(message.messageId, lease);
        lease.processing = this.#process(lease)
          .catch((error: unknown) => {
            // #process handles storage errors itself; this is the last guard against a crash.
            log.error(`Processing message ${message.messageId} failed: ${String(error)}`);
          })
          .finally(() => {
            this.#inFlight.delete(message.messageId);
            this.#wakeAll();
          });
      }
    }
  }

  async #process(lease: Lease): Promise<void> {
    const { options, log, fn, queue } = this.deps;
    const { message } = lease;
    const text = decodeMessage(message.messageText, options.messageEncoding);
    if (text === undefined) {
      // The host's MessageDecodingFailed handler logs this and poisons without running anything.
      log.error(
        `Message decoding has failed! Check MessageEncoding settings. MessageId=${message.messageId}.`,
      );
      lease.state = 'settling';
      return this.#poison(lease);
    }
    if (message.dequeueCount > options.maxDequeueCount) {
      // Another instance already used up its attempts (QueueProcessor.BeginProcessingMessageAsync).
      lease.state = 'settling';
      return this.#poison(
        lease,
        `Message has reached MaxDequeueCount of ${options.maxDequeueCount}.`,
      );
    }

    const renewMs = this.deps.leaseRenewMs ?? (this.#leaseSeconds / 2) * 1000;
    lease.renewTimer = setInterval(() => this.#renew(lease), renewMs);
    let succeeded: boolean;
    try {
      await this.deps.invoker.invoke(
        fn,
        {
          inputData: [{ name: this.deps.triggerBindingName, data: { string: text } }],
          triggerMetadata: triggerMetadata(message, text),
        },
        // Outputs are written only if shutdown has not returned the message meanwhile.
        { shouldCommit: () => claim(lease) },
      );
      succeeded = true;
    } catch {
      // The invoker has logged the failure; what remains is the message's fate.
      succeeded = false;
    } finally {
      clearInterval(lease.renewTimer);
    }
    // Shutdown returned the message while the function ran; that invocation committed nothing.
    if (lease.state === 'released') return;
    lease.state = 'settling';
    // Outside the invocation's try: a failed delete is not a failed invocation.
    if (succeeded) return this.#delete(lease);
    if (!this.deps.poisonQueue) {
      // QueueProcessor.CompleteProcessingMessageAsync: with no poison queue, a failed message is
      // not released but left invisible until its lease ends, so it cannot fail in a tight loop.
      log.info(`Message ${message.messageId} stays invisible: "${queue.name}" has no poison queue`);
      return;
    }
    if (message.dequeueCount >= options.maxDequeueCount) {
      return this.#poison(
        lease,
        `Message has reached MaxDequeueCount of ${options.maxDequeueCount}.`,
      );
    }
    await this.#release(lease, options.visibilityTimeoutMs / 1000);
  }

  /** Copies the message, as stored (still encoded), to the poison queue and deletes it. */
  async #poison(lease: Lease, reason?: string): Promise<void> {
    const { poisonQueue, queue, log } = this.deps;
    const id = lease.message.messageId;
    if (!poisonQueue) {
      log.info(`Message ${id} stays invisible: "${queue.name}" has no poison queue`);
      return;
    }
    log.error(`${reason ? `${reason} ` : ''}Moving message to queue '${poisonQueue.name}'.`);
    try {
      await poisonQueue.createIfNotExists();
      await poisonQueue.sendMessage(lease.message.messageText);
    } catch (error) {
      // Not deleted, so it comes back when its lease ends and is poisoned then.
      log.error(`Moving message ${id} to '${poisonQueue.name}' failed: ${String(error)}`);
      return;
    }
    await this.#delete(lease);
  }

  /** Deletes a settled message; a failure is logged and never turns into a retry or poison. */
  async #delete(lease: Lease): Promise<void> {
    const id = lease.message.messageId;
    try {
      await this.#storage(lease, () => this.deps.queue.deleteMessage(id, lease.popReceipt));
    } catch (error) {
      const log = this.deps.log;
      if (statusOf(error) === 404) log.info(`Message ${id} was already deleted`);
      else if (statusOf(error) === 400) {
        log.error(`Message ${id} could not be deleted: its lease was lost, so it may run again`);
      } else log.error(`Deleting message ${id} failed: ${String(error)}`);
    }
  }

  async #release(lease: Lease, visibilitySeconds: number): Promise<void> {
    const { queue, log } = this.deps;
    const id = lease.message.messageId;
    try {
      await this.#storage(lease, () =>
        queue.updateMessage(id, lease.popReceipt, undefined, visibilitySeconds),
      );
    } catch (error) {
      log.error(`Releasing message ${id} failed: ${String(error)}`);
    }
  }

  #renew(lease: Lease): void {
    const id = lease.message.messageId;
    this.#storage(lease, async () => {
      if (lease.state === 'released') return;
      const updated = await this.deps.queue.updateMessage(
        id,
        lease.popReceipt,
        undefined,
        this.#leaseSeconds,
      );
      if (updated.popReceipt) lease.popReceipt = updated.popReceipt;
    }).catch((error: unknown) => {
      this.deps.log.error(`Renewing the lease of ${id} failed: ${String(error)}`);
    });
  }

  /** Runs `operation` after every storage call already queued for this message has ended. */
  #storage<T>(lease: Lease, operation: () => Promise<T>): Promise<T> {
    const result = lease.chain.then(operation);
    lease.chain = result.catch(() => undefined);
    return result;
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

/** The first of the invocation and shutdown to claim a running message decides its fate. */
function claim(lease: Lease): boolean {
  if (lease.state !== 'running') return false;
  lease.state = 'settling';
  return true;
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | null)?.statusCode;
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
