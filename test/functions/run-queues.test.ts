import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { createTableClient } from '../../shared/clients/storage';
import { newRun } from '../../shared/runs/run-lifecycle';
import { runMessageText } from '../../shared/runs/run-schemas';
import { createRunStarter } from '../../shared/runs/run-start';
import { RunStore } from '../../shared/runs/run-store';
import { defaultFairUseLimits } from '../../shared/settings';
import { poisonQueueName, queueNames, tableNames } from '../../shared/storage-layout';
import { startAppStack, type AppStack } from '../support/app-stack';
import { fireRefreshTimer } from '../support/refresh-timer';

const suffix = randomBytes(4).toString('hex');
/** A tenant whose exports all fall due on the refresh timer at once. */
const scheduler = { roles: ['Admin'], tid: `burst-${suffix}` };
/** Another tenant, who asks for a run while the burst waits. */
const requester = { roles: ['Admin'], tid: `asks-${suffix}` };
const burst = 40;

interface Run {
  id: string;
  trigger: string;
  status: string;
  startedAt?: string;
  error?: { code: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Scheduled and refresh runs wait in export-runs, runs requested on demand in export-runs-on-demand,
 * each read by its own function: the host polls the two independently, so a burst of scheduled
 * runs never stands in front of a run someone is waiting for.
 */
describe('run queues through the local host', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;

  beforeAll(async () => {
    stack = await startAppStack({
      apiKeys: [key],
      env: {
        // One message in flight per queue function: a burst of 40 then outnumbers what a planner
        // takes at once, as a burst of hundreds outnumbers the 24 a queue function takes in Azure.
        AzureFunctionsJobHost__extensions__queues__batchSize: '1',
        AzureFunctionsJobHost__extensions__queues__newBatchThreshold: '0',
        MAX_ACTIVE_RUNS_PER_TENANT: '100',
        MAX_ACTIVE_RUNS_PER_CONNECTION: '100',
      },
    });
  });
  afterAll(() => stack.stop());

  const connections = new Map<string, Promise<string>>();
  /** The tenant's one connection (a tenant connects a key once). */
  function connection(as: typeof scheduler): Promise<string> {
    const existing = connections.get(as.tid);
    if (existing) return existing;
    const created = stack
      .call('POST', 'connections', {
        as,
        body: { displayName: 'Members', apiKey: key, consent: { accepted: true } },
      })
      .then((response) => {
        expect(response.status).toBe(201);
        return String(response.json().id);
      });
    connections.set(as.tid, created);
    return created;
  }

  /** An export of a segment of its own (each segment is its own list, which one export owns). */
  async function newExport(as: typeof scheduler, connectionId: string, name: string) {
    const csv = 'email\nann@example.com\nbo@example.com\n';
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${as.tid}/${name}.csv`)
      .upload(csv, csv.length);
    const created = await stack.call('POST', 'exports', {
      as,
      body: { displayName: name, connectionId, segments: [name], emailField: 'email' },
    });
    expect(created.status).toBe(201);
    return created.json() as { id: string; updatedAt: string };
  }

  async function runsOf(as: typeof scheduler, exportId: string): Promise<Run[]> {
    const listed = await stack.call('GET', `exports/${exportId}/runs`, { as });
    return listed.json().value as Run[];
  }

  it('plans a run requested on demand before a burst of scheduled runs queued ahead of it has drained', async () => {
    const scheduledConnection = await connection(scheduler);
    const schedule = await stack.call('PUT', 'schedule', {
      as: scheduler,
      body: { cron: '* * * * * *', timeZone: 'UTC' },
    });
    expect(schedule.status).toBe(200);
    const scheduled: { id: string; updatedAt: string }[] = [];
    for (let index = 0; index < burst; index++) {
      scheduled.push(await newExport(scheduler, scheduledConnection, `Scheduled ${index}`));
    }
    const asked = await newExport(requester, await connection(requester), 'On demand');
    // Slots only count after an export was saved: wait until the next whole second has begun.
    const lastSaved = Math.max(...scheduled.map((created) => Date.parse(created.updatedAt)));
    while (Date.now() < lastSaved + 1000) await sleep(50);
    // A slower Iterable makes each planning take a while, as a real burst's does.
    stack.iterable.configure({ latencyMs: 250 });

    await fireRefreshTimer(stack);
    const waiting = await new QueueClient(stack.storage, queueNames.exportRuns).getProperties();
    expect(waiting.approximateMessagesCount).toBeGreaterThan(burst / 2);
    const requested = await stack.call('POST', `exports/${asked.id}/runs`, {
      as: requester,
      body: {},
    });
    expect(requested.status).toBe(202);

    // Every run has begun planning once none is queued any more.
    let onDemand: Run | undefined;
    let fromSchedule: Run[];
    const deadline = Date.now() + 240_000;
    for (;;) {
      [onDemand] = await runsOf(requester, asked.id);
      fromSchedule = (
        await Promise.all(scheduled.map((created) => runsOf(scheduler, created.id)))
      ).flat();
      const all = [onDemand, ...fromSchedule];
      if (fromSchedule.length === burst && all.every((run) => run?.startedAt)) break;
      if (Date.now() > deadline) throw new Error('The runs did not all start planning');
      await sleep(1000);
    }
    stack.iterable.configure({ latencyMs: 0 });
    expect(onDemand).toMatchObject({ trigger: 'manual' });
    expect(new Set(fromSchedule.map((run) => run.trigger))).toEqual(new Set(['schedule']));
    // Sharing one queue, the run asked for would start after (nearly) the whole burst.
    const startedAfter = fromSchedule.filter(
      (run) => Date.parse(run.startedAt ?? '') > Date.parse(onDemand?.startedAt ?? ''),
    );
    expect(startedAfter.length).toBeGreaterThanOrEqual(burst / 2);
  }, 300_000);

  it('fails an on-demand run whose message reached its poison queue with PlanningFailed', async () => {
    const connectionId = await connection(requester);
    const exported = await newExport(requester, connectionId, 'Poisoned');
    // A run written as a request writes it; its message is where the host puts one whose
    // planning failed five times.
    const table = createTableClient(
      { kind: 'connectionString', connectionString: stack.storage },
      tableNames.runs,
    );
    const store = new RunStore(table);
    const run = newRun({
      exportId: exported.id,
      trigger: 'manual',
      mode: 'delta',
      dryRun: false,
      segments: ['Poisoned'],
      now: new Date(),
    });
    const started = await createRunStarter(store, table, defaultFairUseLimits).tryStart(
      requester.tid,
      run,
      connectionId,
    );
    expect(started).toBe('started');
    const poison = poisonQueueName(queueNames.exportRunsOnDemand);
    await new QueueClient(stack.storage, poison).sendMessage(
      runMessageText({ tenantId: requester.tid, exportId: exported.id, runId: run.id }),
    );

    let ended: Run | undefined;
    const deadline = Date.now() + 30_000;
    while (!ended || ended.status === 'queued') {
      if (Date.now() > deadline) throw new Error('The poisoned run did not end');
      await sleep(250);
      [ended] = await runsOf(requester, exported.id);
    }
    expect(ended).toMatchObject({
      id: run.id,
      status: 'failed',
      error: { code: 'PlanningFailed' },
    });
    expect(stack.host.output()).toMatch(/Executed 'Functions\.run-poison-on-demand' \(Succeeded/);
  });
});
