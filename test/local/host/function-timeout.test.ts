import { startHostProcess, type HostProcess } from '../../support/host-process';
import {
  peekAll,
  queueClient,
  takeMessages,
  toBase64,
  uniqueQueueName,
} from '../../support/queues';

const entry = 'dist/test/local/host/apps/timeout-app.js';

function queues() {
  return {
    OVERRUN_QUEUE: uniqueQueueName('overrun'),
    COMPANION_QUEUE: uniqueQueueName('companion'),
  };
}

function hostJson(functionTimeout: string, queueOptions: Record<string, unknown> = {}) {
  return {
    version: '2.0',
    functionTimeout,
    extensions: { queues: { maxPollingInterval: '00:00:00.200', ...queueOptions } },
  };
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}

async function state(host: HostProcess): Promise<{ calls: number; pid: number }> {
  return (await (await fetch(`${host.url}/api/state`)).json()) as { calls: number; pid: number };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const restarted = /Attempt to restart language worker process\(es\) completed\./;

describe('local host: functionTimeout over HTTP', () => {
  let host: HostProcess;

  beforeAll(async () => {
    host = await startHostProcess({ entry, hostJson: hostJson('00:00:02'), env: queues() });
  });
  afterAll(() => host.stop());

  it('fails an invocation that overruns, restarts the worker process and serves again on the same port', async () => {
    const before = await state(host);
    expect((await state(host)).calls).toBe(before.calls + 1);

    // The function holds its worker's event loop: only ending the process can stop it.
    const started = Date.now();
    const response = await fetch(`${host.url}/api/spin`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);

    const [, id] = await host.waitForOutput(
      /Timeout value of 00:00:02 exceeded by function 'Functions\.spin' \(Id: '([0-9a-f-]{36})'\)\. Initiating cancellation\./,
    );
    expect(host.output()).toContain(`Executed 'Functions.spin' (Failed, Id=${id}, Duration=`);
    expect(host.output()).toMatch(
      /Executed 'Functions\.spin' \(Failed, [^\n]*Error=Timeout value of 00:00:02 was exceeded by function: Functions\.spin\)/,
    );
    await host.waitForOutput(
      new RegExp(
        `A function timeout has occurred\\. Restarting worker process executing invocationId '${id}'\\.`,
      ),
    );
    await host.waitForOutput(restarted);

    // A new process: the module state starts again, and the old process is gone.
    const after = await state(host);
    expect(after).toMatchObject({ calls: 1 });
    expect(after.pid).not.toBe(before.pid);
    expect(isRunning(before.pid)).toBe(false);
    expect(count(host.output(), /Host listening on/)).toBe(1);
  });

  it('keeps the worker when the timed-out invocation ends within the grace period', async () => {
    const before = await state(host);
    const response = await fetch(`${host.url}/api/sleep/2500`);
    // Failed at the timeout although the function went on to finish.
    expect(response.status).toBe(500);
    await host.waitForOutput(/exceeded by function 'Functions\.sleep'/);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await state(host)).toEqual({ calls: before.calls + 1, pid: before.pid });
    expect(count(host.output(), restarted)).toBe(1);
  });

  it('restarts a worker process that exits on its own, failing what ran there', async () => {
    const before = await state(host);
    expect((await fetch(`${host.url}/api/crash`)).status).toBe(500);
    await host.waitForOutput(
      new RegExp(`Language Worker Process exited\\. Pid=${before.pid}\\. exit code 1`),
    );
    expect(host.output()).toMatch(
      /Executed 'Functions\.crash' \(Failed, [^\n]*Error=The worker process exited \(exit code 1\)\)/,
    );
    const after = await state(host);
    expect(after.calls).toBe(1);
    expect(after.pid).not.toBe(before.pid);
  });
});

describe('local host: functionTimeout on storage queues', () => {
  it('retries an overrunning message with a growing dequeueCount, then moves it to <queue>-poison', async () => {
    const names = queues();
    await queueClient(names.OVERRUN_QUEUE).create();
    const host = await startHostProcess({
      entry,
      hostJson: hostJson('00:00:01', { maxDequeueCount: 3, visibilityTimeout: '00:00:00' }),
      env: names,
    });
    try {
      await queueClient(names.OVERRUN_QUEUE).sendMessage(toBase64('{"delayMs": 600000}'));
      const poison = queueClient(`${names.OVERRUN_QUEUE}-poison`);
      expect(await takeMessages(poison, 1, { timeoutMs: 40_000 })).toEqual(['{"delayMs": 600000}']);
      const output = host.output();
      for (const dequeueCount of [1, 2, 3]) {
        expect(output).toContain(`overrun started dequeueCount=${dequeueCount}`);
      }
      expect(count(output, /Executed 'Functions\.overrun' \(Failed/)).toBe(3);
      expect(output).toMatch(
        /Message has reached MaxDequeueCount of 3\. Moving message to queue '.*-poison'\./,
      );
      expect(await peekAll(queueClient(names.OVERRUN_QUEUE))).toEqual([]);
    } finally {
      await host.stop();
    }
  });

  it('fails the other invocations on the restarted worker and returns their messages', async () => {
    const names = queues();
    await queueClient(names.COMPANION_QUEUE).create();
    const host = await startHostProcess({
      entry,
      hostJson: hostJson('00:00:04', { visibilityTimeout: '00:00:01' }),
      env: names,
    });
    try {
      const overrun = fetch(`${host.url}/api/sleep/600000`);
      await host.waitForOutput(/exceeded by function 'Functions\.sleep'/, 10_000);
      // Started in the grace period, on the worker about to be restarted; it needs 3 s, well
      // within its own timeout, but the restart comes first.
      await queueClient(names.COMPANION_QUEUE).sendMessage(toBase64('{"delayMs": 3000}'));
      await host.waitForOutput(/companion started dequeueCount=1/);
      expect((await overrun).status).toBe(500);
      await host.waitForOutput(restarted);
      await host.waitForOutput(
        /Executed 'Functions\.companion' \(Failed, [^\n]*Error=Timeout value of 00:00:04 was exceeded by function: Functions\.sleep\)/,
      );
      // Its message came back (after visibilityTimeout) and ran to the end on the new worker.
      await host.waitForOutput(/companion started dequeueCount=2/);
      await host.waitForOutput(/Executed 'Functions\.companion' \(Succeeded/);
      expect(host.output()).toContain('companion finished');
      expect(await peekAll(queueClient(names.COMPANION_QUEUE))).toEqual([]);
    } finally {
      await host.stop();
    }
  });
});

describe('local host: functionTimeout at start', () => {
  it('refuses a malformed value in host.json, naming it', async () => {
    await expect(
      startHostProcess({
        entry,
        hostJson: { version: '2.0', functionTimeout: '10 minutes' },
        env: queues(),
      }),
    ).rejects.toThrow(/host\.json: functionTimeout: "10 minutes" is not a TimeSpan/);
  });

  it('refuses a value below one second from an app setting', async () => {
    await expect(
      startHostProcess({
        entry,
        env: { ...queues(), AzureFunctionsJobHost__functionTimeout: '00:00:00.500' },
      }),
    ).rejects.toThrow(/"00:00:00\.500" is shorter than the least the host accepts, 00:00:01/);
  });
});
