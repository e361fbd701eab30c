import { startHostProcess } from '../../support/host-process';
import {
  peekAll,
  queueClient,
  takeMessages,
  toBase64,
  uniqueQueueName,
} from '../../support/queues';

const entry = 'dist/test/local/host/apps/queue-app.js';

function names() {
  return {
    OBSERVE_QUEUE: uniqueQueueName('observe'),
    ECHO_QUEUE: uniqueQueueName('echo'),
    FAIL_QUEUE: uniqueQueueName('fail'),
    FLAKY_QUEUE: uniqueQueueName('flaky'),
    SLOW_QUEUE: uniqueQueueName('slow'),
  };
}

/**
 * A received message is leased (invisible) while its function runs: ten minutes by default, as
 * in Azure, or --queue-lease-seconds. A host that dies holds its messages until the lease ends.
 */
describe('local host: queue leases', () => {
  it('keeps a killed host’s running message invisible until its lease ends, then runs it again', async () => {
    const env = names();
    const slow = queueClient(env.SLOW_QUEUE);
    await slow.create();
    const args = ['--queue-lease-seconds', '3'];
    const first = await startHostProcess({ entry, env, args });
    await slow.sendMessage(toBase64(JSON.stringify({ delayMs: 60_000 })));
    await first.waitForOutput(/slow started/);
    await first.stop('SIGKILL');
    // No shutdown ran, so nothing returned the message: it is still leased.
    expect(await peekAll(slow)).toEqual([]);

    const second = await startHostProcess({ entry, env, args });
    try {
      // Taken again once the 3 s lease ends (with the default ten minutes this would time out).
      await second.waitForOutput(/slow started/, 20_000);
    } finally {
      await second.stop('SIGKILL');
    }
  });

  it('renews the lease of a message that runs longer than the lease, so it runs once', async () => {
    const env = names();
    const slow = queueClient(env.SLOW_QUEUE);
    await slow.create();
    const host = await startHostProcess({ entry, env, args: ['--queue-lease-seconds', '2'] });
    try {
      await slow.sendMessage(toBase64(JSON.stringify({ delayMs: 5000 })));
      const [observed] = await takeMessages(queueClient(env.OBSERVE_QUEUE), 1);
      const report = JSON.parse(observed ?? '{}') as { metadata?: { dequeueCount?: number } };
      expect(report.metadata?.dequeueCount).toBe(1);
      expect(host.output().match(/slow started/g)).toHaveLength(1);
    } finally {
      await host.stop();
    }
  });

  it('refuses a lease Azure Storage would not accept', async () => {
    await expect(
      startHostProcess({ entry, env: names(), args: ['--queue-lease-seconds', '0'] }),
    ).rejects.toThrow(/--queue-lease-seconds must be a whole number of seconds/);
  });
});
