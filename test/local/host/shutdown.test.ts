import {
  peekAll,
  queueClient,
  takeMessages,
  uniqueQueueName,
  toBase64,
} from '../../support/queues';
import { startHostProcess } from '../../support/host-process';

function names() {
  return {
    OBSERVE_QUEUE: uniqueQueueName('observe'),
    ECHO_QUEUE: uniqueQueueName('echo'),
    FAIL_QUEUE: uniqueQueueName('fail'),
    FLAKY_QUEUE: uniqueQueueName('flaky'),
    SLOW_QUEUE: uniqueQueueName('slow'),
  };
}

describe('local host: shutdown', () => {
  it('finishes a running invocation on SIGTERM, deletes its message and exits 0', async () => {
    const env = names();
    await queueClient(env.SLOW_QUEUE).create();
    const host = await startHostProcess({ entry: 'dist/test/local/host/apps/queue-app.js', env });
    await queueClient(env.SLOW_QUEUE).sendMessage(toBase64(JSON.stringify({ delayMs: 1500 })));
    await host.waitForOutput(/slow started/);
    expect(await host.stop('SIGTERM')).toBe(0);
    expect(host.output()).toMatch(/Executed 'Functions\.slow' \(Succeeded/);
    expect(await takeMessages(queueClient(env.OBSERVE_QUEUE), 1)).toHaveLength(1);
    const { peekedMessageItems } = await queueClient(env.SLOW_QUEUE).peekMessages();
    expect(peekedMessageItems).toHaveLength(0);
  });

  it('returns the message of an invocation that outlives the grace period on SIGINT', async () => {
    const env = names();
    const slow = queueClient(env.SLOW_QUEUE);
    await slow.create();
    const graceMs = 1500;
    const host = await startHostProcess({
      entry: 'dist/test/local/host/apps/queue-app.js',
      env,
      args: ['--shutdown-grace-ms', String(graceMs)],
    });
    await slow.sendMessage(toBase64(JSON.stringify({ delayMs: 60_000 })));
    await host.waitForOutput(/slow started/);
    const stopping = Date.now();
    expect(await host.stop('SIGINT')).toBe(0);
    // One grace period for the whole shutdown, not one per stage.
    const elapsed = Date.now() - stopping;
    expect(elapsed).toBeGreaterThanOrEqual(graceMs - 100);
    expect(elapsed).toBeLessThan(graceMs + 1000);
    // Visible again at once (not after the 10-minute lease), for another instance to take.
    const { peekedMessageItems } = await slow.peekMessages();
    expect(peekedMessageItems).toHaveLength(1);
    expect(peekedMessageItems[0]?.dequeueCount).toBe(1);
  });

  it('writes nothing for an invocation that ends after shutdown returned its message', async () => {
    const env = { ...names(), TERMINATE_DELAY_MS: '2000' };
    const slow = queueClient(env.SLOW_QUEUE);
    await slow.create();
    const host = await startHostProcess({
      entry: 'dist/test/local/host/apps/queue-app.js',
      env,
      args: ['--shutdown-grace-ms', '500'],
    });
    // Ends between one and two grace periods after the signal, while appTerminate still runs.
    await slow.sendMessage(toBase64(JSON.stringify({ delayMs: 800 })));
    await host.waitForOutput(/slow started/);
    expect(await host.stop('SIGTERM')).toBe(0);
    expect(host.output()).toMatch(/Executed 'Functions\.slow' \(Cancelled/);
    expect(host.output()).not.toMatch(/Executed 'Functions\.slow' \(Succeeded/);
    // Its message went back to the queue, so its output must not exist as well.
    expect(await peekAll(queueClient(env.OBSERVE_QUEUE))).toEqual([]);
    const { peekedMessageItems } = await slow.peekMessages();
    expect(peekedMessageItems).toHaveLength(1);
    expect(peekedMessageItems[0]?.dequeueCount).toBe(1);
  });
});
