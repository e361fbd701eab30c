import {
  queueClient,
  queueConnectionVia,
  queueServiceOrigin,
  takeMessages,
  uniqueQueueName,
  peekAll,
  toBase64,
} from '../../support/queues';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { startHostProcess, type HostProcess } from '../../support/host-process';

interface Observation {
  function: string;
  message: unknown;
  metadata: Record<string, unknown>;
  at: number;
  concurrent?: number;
}

async function observations(queueName: string, count: number): Promise<Observation[]> {
  const texts = await takeMessages(queueClient(queueName), count, { timeoutMs: 40_000 });
  return texts.map((text) => JSON.parse(text) as Observation);
}

function queues() {
  return {
    OBSERVE_QUEUE: uniqueQueueName('observe'),
    ECHO_QUEUE: uniqueQueueName('echo'),
    FAIL_QUEUE: uniqueQueueName('fail'),
    FLAKY_QUEUE: uniqueQueueName('flaky'),
    SLOW_QUEUE: uniqueQueueName('slow'),
  };
}

async function createQueues(names: Record<string, string>) {
  await Promise.all(Object.values(names).map((name) => queueClient(name).create()));
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('local host: storage-queue triggers', () => {
  describe('with base64 encoding (the default)', () => {
    let host: HostProcess;
    const names = queues();

    beforeAll(async () => {
      await createQueues(names);
      host = await startHostProcess({
        entry: 'dist/test/local/host/apps/queue-app.js',
        hostJson: {
          version: '2.0',
          extensions: {
            queues: {
              batchSize: 2,
              newBatchThreshold: 1,
              visibilityTimeout: '00:00:01',
              maxPollingInterval: '00:00:00.500',
            },
          },
        },
        env: names,
      });
    });
    afterAll(() => host.stop());

    it('decodes a base64 message, parses JSON and passes trigger metadata', async () => {
      const sent = await queueClient(names.ECHO_QUEUE).sendMessage(toBase64('{"hello":"world"}'));
      const [seen] = await observations(names.OBSERVE_QUEUE, 1);
      expect(seen?.message).toEqual({ hello: 'world' });
      expect(seen?.metadata).toMatchObject({
        dequeueCount: 1,
        id: sent.messageId,
        // The library parses JSON trigger metadata as it parses the message.
        queueTrigger: { hello: 'world' },
      });
      expect(typeof seen?.metadata.insertionTime).toBe('string');
      expect(typeof seen?.metadata.expirationTime).toBe('string');
      expect(typeof seen?.metadata.popReceipt).toBe('string');
      // The output is written before the invocation's log line; wait for it so it is not
      // mistaken for a later invocation.
      await host.waitForOutput(/Executed 'Functions\.echo' \(Succeeded/);
      expect(await peekAll(queueClient(names.ECHO_QUEUE))).toEqual([]);
    });

    it('moves a message that is not valid base64 to the poison queue without running the function', async () => {
      const before = host.output().length;
      const sent = await queueClient(names.ECHO_QUEUE).sendMessage('not base64 at all!');
      const poison = queueClient(`${names.ECHO_QUEUE}-poison`);
      // The body is copied as it was received.
      expect(await takeMessages(poison, 1, { encoding: 'none' })).toEqual(['not base64 at all!']);
      const since = host.output().slice(before);
      expect(count(since, /Executed 'Functions\.echo'/)).toBe(0);
      expect(since).toContain(
        `Message decoding has failed! Check MessageEncoding settings. MessageId=${sent.messageId}.`,
      );
      expect(since).toContain(`Moving message to queue '${names.ECHO_QUEUE}-poison'.`);
      expect(since).not.toContain('MaxDequeueCount');
    });

    it('retries a failing message maxDequeueCount times, then moves it to <queue>-poison', async () => {
      await queueClient(names.FAIL_QUEUE).sendMessage(toBase64('doomed'));
      const poison = queueClient(`${names.FAIL_QUEUE}-poison`);
      const [body] = await takeMessages(poison, 1, { timeoutMs: 40_000 });
      expect(body).toBe('doomed');
      const failures = host.output().match(/Executed 'Functions\.alwaysFails' \(Failed/g) ?? [];
      expect(failures).toHaveLength(5);
      expect(await peekAll(queueClient(names.FAIL_QUEUE))).toEqual([]);
      expect(host.output()).toMatch(
        /Message has reached MaxDequeueCount of 5\. Moving message to queue '.*-poison'/,
      );
    });

    it('writes outputs only for the successful attempt and waits visibilityTimeout before a retry', async () => {
      await queueClient(names.FLAKY_QUEUE).sendMessage(toBase64('"flaky"'));
      const seen = await observations(names.OBSERVE_QUEUE, 1);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.metadata.dequeueCount).toBe(3);
      const attempts = host
        .output()
        .match(/Executed 'Functions\.failsTwice' \((Succeeded|Failed)/g);
      expect(attempts).toEqual([
        "Executed 'Functions.failsTwice' (Failed",
        "Executed 'Functions.failsTwice' (Failed",
        "Executed 'Functions.failsTwice' (Succeeded",
      ]);
      const insertedAt = Date.parse(String(seen[0]?.metadata.insertionTime));
      // Two failures each released the message for one second before it came back.
      expect(seen[0]!.at - insertedAt).toBeGreaterThanOrEqual(2000);
    });

    it('runs at most batchSize + newBatchThreshold messages at once', async () => {
      const slow = queueClient(names.SLOW_QUEUE);
      await Promise.all(
        Array.from({ length: 12 }, (_, index) =>
          slow.sendMessage(toBase64(JSON.stringify({ index, delayMs: index % 2 ? 100 : 900 }))),
        ),
      );
      const seen = await observations(names.OBSERVE_QUEUE, 12);
      // Short and long messages alternate, so a batch is fetched while long ones still run.
      const peak = Math.max(...seen.map((entry) => entry.concurrent ?? 0));
      expect(peak).toBe(3);
    });
  });

  describe('with messageEncoding "none"', () => {
    let host: HostProcess;
    const names = queues();

    beforeAll(async () => {
      await createQueues(names);
      host = await startHostProcess({
        entry: 'dist/test/local/host/apps/queue-app.js',
        hostJson: {
          version: '2.0',
          extensions: { queues: { messageEncoding: 'none', maxPollingInterval: '00:00:00.500' } },
        },
        env: names,
      });
    });
    afterAll(() => host.stop());

    it('passes the message text as it is', async () => {
      await queueClient(names.ECHO_QUEUE).sendMessage('plain text');
      const texts = await takeMessages(queueClient(names.OBSERVE_QUEUE), 1, { encoding: 'none' });
      expect(JSON.parse(texts[0] ?? '{}')).toMatchObject({ message: 'plain text' });
    });
  });

  it('poisons a message already dequeued more than maxDequeueCount times without running it', async () => {
    const names = queues();
    await createQueues(names);
    const echo = queueClient(names.ECHO_QUEUE);
    await echo.sendMessage(toBase64('worn out'));
    // Another instance received it five times and died each time.
    for (let attempt = 0; attempt < 5; attempt++) {
      const [message] = (await echo.receiveMessages({ visibilityTimeout: 30 }))
        .receivedMessageItems;
      await echo.updateMessage(message!.messageId, message!.popReceipt, undefined, 0);
    }
    const host = await startHostProcess({
      entry: 'dist/test/local/host/apps/queue-app.js',
      hostJson: { version: '2.0', extensions: { queues: { maxPollingInterval: '00:00:00.500' } } },
      env: names,
    });
    try {
      const poison = queueClient(`${names.ECHO_QUEUE}-poison`);
      expect(await takeMessages(poison, 1)).toEqual(['worn out']);
      expect(host.output()).not.toContain("Executed 'Functions.echo'");
    } finally {
      await host.stop();
    }
  });

  it.each([
    ['is itself a poison queue', `${uniqueQueueName('dead')}-poison`],
    ['name is too long for a poison queue', uniqueQueueName('x'.repeat(50))],
  ])(
    'leaves a failed message invisible, without retrying or poisoning it, when the queue %s',
    async (_case, queueName) => {
      const names = { ...queues(), NO_POISON_QUEUE: queueName };
      await createQueues(names);
      const host = await startHostProcess({
        entry: 'dist/test/local/host/apps/queue-app.js',
        hostJson: {
          version: '2.0',
          extensions: { queues: { maxDequeueCount: 1, maxPollingInterval: '00:00:00.200' } },
        },
        env: names,
      });
      try {
        const queue = queueClient(queueName);
        await queue.sendMessage(toBase64('doomed'));
        await queue.sendMessage('not base64 at all!');
        await host.waitForOutput(/Executed 'Functions\.noPoisonQueue' \(Failed/);
        await host.waitForOutput(/Message decoding has failed!/);
        // A released message would be back within one polling interval and fail again.
        await sleep(1500);
        expect(count(host.output(), /Executed 'Functions\.noPoisonQueue'/)).toBe(1);
        expect(count(host.output(), /stays invisible: ".*" has no poison queue/)).toBe(2);
        expect(await peekAll(queue)).toEqual([]);
        if (queueName.length <= 56)
          expect(await queueClient(`${queueName}-poison`).exists()).toBe(false);
        expect(host.output()).not.toContain('Moving message');
      } finally {
        await host.stop();
      }
    },
  );

  describe('when storage fails while a message is settled', () => {
    let proxy: FaultProxy;
    let host: HostProcess;
    const names = queues();

    beforeAll(async () => {
      await createQueues(names);
      proxy = await startFaultProxy(queueServiceOrigin());
      host = await startHostProcess({
        entry: 'dist/test/local/host/apps/queue-app.js',
        hostJson: {
          version: '2.0',
          extensions: { queues: { maxDequeueCount: 1, maxPollingInterval: '00:00:00.200' } },
        },
        env: { ...names, AzureWebJobsStorage: queueConnectionVia(proxy.url) },
      });
    });
    afterAll(async () => {
      await host.stop();
      await proxy.close();
    });

    it('logs a failure to write the poison queue and keeps running', async () => {
      proxy.fail({
        method: 'POST',
        pathIncludes: `/${names.FAIL_QUEUE}-poison/messages`,
        status: 403,
      });
      await queueClient(names.FAIL_QUEUE).sendMessage(toBase64('doomed'));
      await host.waitForOutput(
        new RegExp(`Moving message \\S+ to '${names.FAIL_QUEUE}-poison' failed`),
      );
      await sleep(300);
      expect(host.child.exitCode).toBeNull();
      const status = await fetch(`${host.url}/admin/host/status`);
      expect(status.status).toBe(200);
    });

    it('treats a delete that finds the message gone as done, not as a failed invocation', async () => {
      const before = host.output().length;
      proxy.fail({
        method: 'DELETE',
        pathIncludes: `/${names.ECHO_QUEUE}/messages/`,
        status: 404,
        times: 1,
      });
      await queueClient(names.ECHO_QUEUE).sendMessage(toBase64('"once"'));
      await host.waitForOutput(/Message \S+ was already deleted/);
      await sleep(1000);
      // Not released for another attempt: the function ran once, and no retry followed.
      expect(count(host.output().slice(before), /Executed 'Functions\.echo'/)).toBe(1);
      expect(await takeMessages(queueClient(names.OBSERVE_QUEUE), 1)).toHaveLength(1);
    });
  });

  it('waits for a queue that does not exist yet instead of failing', async () => {
    const names = queues();
    const host = await startHostProcess({
      entry: 'dist/test/local/host/apps/queue-app.js',
      hostJson: { version: '2.0', extensions: { queues: { maxPollingInterval: '00:00:00.500' } } },
      env: names,
    });
    try {
      await host.waitForOutput(new RegExp(`Queue "${names.ECHO_QUEUE}" does not exist yet`));
      await queueClient(names.ECHO_QUEUE).create();
      await queueClient(names.ECHO_QUEUE).sendMessage(toBase64('late'));
      const [seen] = await observations(names.OBSERVE_QUEUE, 1);
      expect(seen?.message).toBe('late');
    } finally {
      await host.stop();
    }
  });
});
