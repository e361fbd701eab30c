import { queueClient, takeMessages, uniqueQueueName, toBase64 } from '../../support/queues';
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
    const host = await startHostProcess({
      entry: 'dist/test/local/host/apps/queue-app.js',
      env,
      args: ['--shutdown-grace-ms', '300'],
    });
    await slow.sendMessage(toBase64(JSON.stringify({ delayMs: 60_000 })));
    await host.waitForOutput(/slow started/);
    expect(await host.stop('SIGINT')).toBe(0);
    // Visible again at once (not after the 10-minute lease), for another instance to take.
    const { peekedMessageItems } = await slow.peekMessages();
    expect(peekedMessageItems).toHaveLength(1);
    expect(peekedMessageItems[0]?.dequeueCount).toBe(1);
  });
});
