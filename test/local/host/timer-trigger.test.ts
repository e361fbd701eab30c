import { queueClient, takeMessages, uniqueQueueName } from '../../support/queues';
import { startHostProcess, type HostProcess } from '../../support/host-process';

interface TimerRun {
  function: string;
  timer?: {
    isPastDue: boolean;
    schedule: { adjustForDST: boolean };
    scheduleStatus?: { next?: string };
  };
  runs?: number;
}

describe('local host: timer triggers', () => {
  let host: HostProcess;
  const observeQueue = uniqueQueueName('timers');
  const runs: TimerRun[] = [];

  /** Collects timer runs until one of `name` has arrived. */
  async function nextRun(name: string): Promise<TimerRun> {
    for (;;) {
      const found = runs.findIndex((run) => run.function === name);
      if (found >= 0) return runs.splice(found, 1)[0]!;
      // Keeps every run it took, so one of another function is there for a later call.
      const texts = await takeMessages(queueClient(observeQueue), 1);
      runs.push(...texts.map((text) => JSON.parse(text) as TimerRun));
    }
  }

  beforeAll(async () => {
    host = await startHostProcess({
      entry: 'dist/test/local/host/apps/timer-app.js',
      env: { OBSERVE_QUEUE: observeQueue, TICK_SCHEDULE: '*/1 * * * * *' },
    });
  });
  afterAll(() => host.stop());

  it('runs a function with runOnStartup once when the host starts', async () => {
    const run = await nextRun('onStartup');
    expect(run.timer).toMatchObject({ isPastDue: false, schedule: { adjustForDST: true } });
  });

  it('fires on a six-field NCRONTAB schedule read from a %SETTING%', async () => {
    const first = await nextRun('everySecond');
    const second = await nextRun('everySecond');
    expect(first.timer?.scheduleStatus?.next).toBeDefined();
    expect(second.function).toBe('everySecond');
  });

  it('runs a timer function by hand through POST /admin/functions/{name}', async () => {
    const response = await fetch(`${host.url}/admin/functions/byHand`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: '' }),
    });
    expect(response.status).toBe(202);
    expect((await nextRun('byHand')).function).toBe('byHand');
  });

  it('retries a failed timer run by its retry policy', async () => {
    await fetch(`${host.url}/admin/functions/retried`, { method: 'POST', body: '{}' });
    const run = await nextRun('retried');
    expect(run.runs).toBe(2);
    expect(host.output()).toMatch(
      /Executed 'Functions\.retried' \(Failed[^\n]*\n(.|\n)*Executed 'Functions\.retried' \(Succeeded/,
    );
  });

  it('answers 404 for an unknown function and 400 for a bad admin body', async () => {
    expect(
      (await fetch(`${host.url}/admin/functions/nope`, { method: 'POST', body: '{}' })).status,
    ).toBe(404);
    expect(
      (await fetch(`${host.url}/admin/functions/byHand`, { method: 'POST', body: '{"input": 5}' }))
        .status,
    ).toBe(400);
  });
});

describe('local host: start-up errors', () => {
  it('refuses to start when a %SETTING% in a schedule is not set, naming it', async () => {
    await expect(
      startHostProcess({
        entry: 'dist/test/local/host/apps/timer-app.js',
        env: { OBSERVE_QUEUE: uniqueQueueName('unused') },
      }),
    ).rejects.toThrow(/app setting "TICK_SCHEDULE"/);
  });

  it('refuses a schedule that is not six-field NCRONTAB', async () => {
    await expect(
      startHostProcess({
        entry: 'dist/test/local/host/apps/timer-app.js',
        env: { OBSERVE_QUEUE: uniqueQueueName('unused'), TICK_SCHEDULE: '*/5 * * * *' },
      }),
    ).rejects.toThrow(/not a six-field NCRONTAB expression/);
  });
});
