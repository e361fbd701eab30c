import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { QueueOptions } from '../../../local/host/host-config';
import type { InvocationOptions } from '../../../local/host/invoker';
import { QueueListener } from '../../../local/host/queue-listener';

/**
 * The listener against a scripted queue: the storage failures and races these tests need (a
 * renewal still in flight when the function ends, a delete that finds the message gone) cannot
 * be caused on cue with Azurite. The host-level behaviour is covered by queue-trigger.test.ts.
 */

function storageError(statusCode: number): Error {
  return Object.assign(new Error(`storage error ${statusCode}`), { statusCode });
}

class ScriptedQueue {
  readonly calls: string[] = [];
  readonly pending: DequeuedMessageItem[] = [];
  popReceipt = 'r1';
  beforeUpdate: (() => Promise<void>) | undefined;
  deleteError: Error | undefined;
  sendError: Error | undefined;
  #receipts = 1;

  constructor(readonly name: string) {}

  receiveMessages = () => Promise.resolve({ receivedMessageItems: this.pending.splice(0) });

  updateMessage = async (_id: string, popReceipt: string, _text: unknown, visibility: number) => {
    this.calls.push(`update ${popReceipt} ${visibility}`);
    await this.beforeUpdate?.();
    this.popReceipt = `r${++this.#receipts}`;
    return { popReceipt: this.popReceipt };
  };

  deleteMessage = (_id: string, popReceipt: string) => {
    this.calls.push(`delete ${popReceipt}`);
    if (this.deleteError) return Promise.reject(this.deleteError);
    // What Azurite answers for a stale popReceipt.
    if (popReceipt !== this.popReceipt) return Promise.reject(storageError(400));
    return Promise.resolve({});
  };

  createIfNotExists = () => {
    this.calls.push('create');
    return Promise.resolve({});
  };

  sendMessage = (text: string) => {
    this.calls.push(`send ${text}`);
    return this.sendError ? Promise.reject(this.sendError) : Promise.resolve({});
  };
}

function message(text: string, dequeueCount = 1): DequeuedMessageItem {
  const now = new Date();
  return {
    messageId: 'm1',
    popReceipt: 'r1',
    messageText: text,
    dequeueCount,
    insertedOn: now,
    expiresOn: now,
    nextVisibleOn: now,
  };
}

const options: QueueOptions = {
  batchSize: 1,
  newBatchThreshold: 0,
  maxPollingIntervalMs: 20,
  visibilityTimeoutMs: 0,
  maxDequeueCount: 5,
  messageEncoding: 'none',
};

type Invoke = (options: InvocationOptions) => Promise<void>;

function setUp(
  invoke: Invoke,
  {
    withPoisonQueue = true,
    encoding = 'none',
  }: { withPoisonQueue?: boolean; encoding?: QueueOptions['messageEncoding'] } = {},
) {
  const queue = new ScriptedQueue('work');
  const poison = new ScriptedQueue('work-poison');
  const lines: string[] = [];
  const listener = new QueueListener({
    fn: { metadata: { name: 'f', bindings: {} } },
    triggerBindingName: 'trigger',
    queue: queue as unknown as QueueClient,
    poisonQueue: withPoisonQueue ? (poison as unknown as QueueClient) : undefined,
    options: { ...options, messageEncoding: encoding },
    invoker: {
      invoke: async (_fn, _input, invocationOptions = {}) => {
        await invoke(invocationOptions);
        return { invocationId: 'i', response: {} };
      },
    },
    log: {
      info: (m) => lines.push(m),
      warn: (m) => lines.push(m),
      error: (m) => lines.push(m),
      fromApp: () => undefined,
    },
    leaseRenewMs: 10,
  });
  const settle = async () => {
    await listener.stopReceiving();
    await listener.drain();
  };
  return { queue, poison, lines, listener, settle };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 5000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Succeeds after checking it may commit, as the invoker does before writing outputs. */
const commit: Invoke = (invocationOptions) => {
  if (invocationOptions.shouldCommit?.() === false) throw new Error('abandoned');
  return Promise.resolve();
};

describe('QueueListener', () => {
  it('waits for a renewal in flight and deletes with the popReceipt it returned', async () => {
    const renewing = deferred();
    const { queue, lines, listener, settle } = setUp(async (o) => {
      await renewing.promise;
      await commit(o);
    });
    queue.beforeUpdate = async () => {
      renewing.resolve(); // the function ends while the renewal is still on the wire
      await new Promise((resolve) => setTimeout(resolve, 30));
    };
    queue.pending.push(message('hello'));
    listener.start();
    await until(() => queue.calls.some((call) => call.startsWith('delete')));
    await settle();
    expect(queue.calls).toEqual(['update r1 600', 'delete r2']);
    expect(lines).toEqual([]);
  });

  it('logs a delete that finds the message gone (404) and neither retries nor poisons it', async () => {
    const { queue, poison, lines, listener, settle } = setUp(commit);
    queue.deleteError = storageError(404);
    queue.pending.push(message('hello', 5));
    listener.start();
    await until(() => lines.length > 0);
    await settle();
    expect(queue.calls).toEqual(['delete r1']);
    expect(poison.calls).toEqual([]);
    expect(lines).toEqual(['Message m1 was already deleted']);
  });

  it('logs a delete that lost the lease (400) and never poisons the message', async () => {
    const { queue, poison, lines, listener, settle } = setUp(commit);
    queue.deleteError = storageError(400);
    queue.pending.push(message('hello', 5));
    listener.start();
    await until(() => lines.length > 0);
    await settle();
    expect(queue.calls).toEqual(['delete r1']);
    expect(poison.calls).toEqual([]);
    expect(lines).toEqual([
      'Message m1 could not be deleted: its lease was lost, so it may run again',
    ]);
  });

  it('logs a storage error while moving a message to the poison queue instead of throwing', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const { queue, poison, lines, listener, settle } = setUp(() =>
        Promise.reject(new Error('fails')),
      );
      poison.sendError = storageError(503);
      queue.pending.push(message('doomed', 5));
      listener.start();
      await until(() => lines.some((line) => line.includes('failed')));
      await settle();
      await new Promise((resolve) => setImmediate(resolve));
      expect(poison.calls).toEqual(['create', 'send doomed']);
      // Not deleted: it returns when its lease ends and is poisoned then.
      expect(queue.calls).toEqual([]);
      expect(lines).toEqual([
        "Message has reached MaxDequeueCount of 5. Moving message to queue 'work-poison'.",
        "Moving message m1 to 'work-poison' failed: Error: storage error 503",
      ]);
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('logs a decoding failure, not MaxDequeueCount, when it poisons an undecodable message', async () => {
    const invoked = jest.fn(commit);
    const { queue, poison, lines, listener, settle } = setUp(invoked, { encoding: 'base64' });
    queue.pending.push(message('not base64!'));
    listener.start();
    await until(() => queue.calls.length > 0);
    await settle();
    expect(invoked).not.toHaveBeenCalled();
    expect(poison.calls).toEqual(['create', 'send not base64!']);
    expect(queue.calls).toEqual(['delete r1']);
    expect(lines).toEqual([
      'Message decoding has failed! Check MessageEncoding settings. MessageId=m1.',
      "Moving message to queue 'work-poison'.",
    ]);
  });

  it('leaves a failed message invisible when its queue has no poison queue', async () => {
    const { queue, lines, listener, settle } = setUp(() => Promise.reject(new Error('fails')), {
      withPoisonQueue: false,
    });
    queue.pending.push(message('doomed', 5));
    listener.start();
    await until(() => lines.length > 0);
    await settle();
    // Neither released (no hot loop) nor deleted.
    expect(queue.calls).toEqual([]);
    expect(lines).toEqual(['Message m1 stays invisible: "work" has no poison queue']);
  });

  it('at shutdown returns a running message, and its invocation may then commit nothing', async () => {
    const started = deferred();
    const gate = deferred();
    let mayCommit: boolean | undefined;
    const { queue, listener, settle } = setUp(async (o) => {
      started.resolve();
      await gate.promise;
      mayCommit = o.shouldCommit?.();
      if (!mayCommit) throw new Error('abandoned');
    });
    queue.pending.push(message('slow'));
    listener.start();
    await started.promise;
    await listener.stopReceiving();
    await listener.abandonRunning();
    gate.resolve();
    await settle();
    expect(mayCommit).toBe(false);
    expect(queue.calls).toEqual(['update r1 0']);
  });

  it('at shutdown lets a message whose invocation is committing finish instead of returning it', async () => {
    const writing = deferred();
    const gate = deferred();
    const { queue, listener, settle } = setUp(async (o) => {
      await commit(o);
      writing.resolve(); // outputs are being written now
      await gate.promise;
    });
    queue.pending.push(message('slow'));
    listener.start();
    await writing.promise;
    await listener.stopReceiving();
    const abandoning = listener.abandonRunning();
    gate.resolve();
    await abandoning;
    expect(queue.calls).toEqual(['delete r1']);
    await settle();
  });
});
