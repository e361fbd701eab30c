import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';
import { awaitShards, shardMarks } from '../support/refresh-timer';

const key = randomBytes(16).toString('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Fair use through the host, with the limits lowered: 4 exports per tenant, 3 active runs per
 * tenant, 2 per connection. The planner is switched off, so a run stays active (queued) until it
 * is cancelled, and the seats it holds are plain to see.
 */
describe('fair use per tenant through the local host', () => {
  let stack: AppStack;

  beforeAll(async () => {
    stack = await startAppStack({
      apiKeys: [key],
      env: {
        'AzureWebJobs.plan-run.Disabled': 'true',
        'AzureWebJobs.plan-run-on-demand.Disabled': 'true',
        MAX_EXPORTS_PER_TENANT: '4',
        MAX_ACTIVE_RUNS_PER_TENANT: '3',
        MAX_ACTIVE_RUNS_PER_CONNECTION: '2',
      },
    });
  });
  afterAll(() => stack.stop());

  /** A tenant of its own with `connections` connections. */
  async function newTenant(connections = 1) {
    const tid = `fair-${randomBytes(4).toString('hex')}`;
    const as = { roles: ['Admin'], tid };
    const connectionIds: string[] = [];
    for (let index = 0; index < connections; index++) {
      const created = await stack.call('POST', 'connections', {
        as,
        body: { displayName: `Project ${index}`, apiKey: key, consent: { accepted: true } },
      });
      expect(created.status).toBe(201);
      connectionIds.push(created.json().id as string);
    }
    return { tid, as, connectionIds };
  }

  /** An export of a segment of its own (a list has one owning export), with its snapshot. */
  async function createExport(
    as: { tid: string },
    connectionId: string,
    name = randomBytes(3).toString('hex'),
  ) {
    const segment = `Weekly ${name}`;
    const csv = 'email\nann@example.com\n';
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${as.tid}/${segment}.csv`)
      .upload(csv, csv.length);
    return stack.call('POST', 'exports', {
      as,
      body: { displayName: name, connectionId, segments: [segment], emailField: 'email' },
    });
  }

  async function exportIds(as: { tid: string }, connectionIds: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const connectionId of connectionIds) {
      const created = await createExport(as, connectionId);
      expect(created.status).toBe(201);
      ids.push(created.json().id as string);
    }
    return ids;
  }

  function requestRun(as: object, exportId: string) {
    return stack.call('POST', `exports/${exportId}/runs`, { as, body: { dryRun: true } });
  }

  function expectLimit(
    response: Awaited<ReturnType<AppStack['call']>>,
    code: string,
    setting: string,
    limit: number,
  ) {
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(response.headers.get('x-ms-error-code')).toBe(code);
    const { error } = response.json() as {
      error: { code: string; message: string; innererror: unknown };
    };
    expect(error.code).toBe(code);
    expect(error.message).toContain(setting);
    expect(error.message).toContain(String(limit));
    expect(error.innererror).toEqual({ setting, limit });
  }

  it('refuses a fifth export with 429 naming MAX_EXPORTS_PER_TENANT, and saves one after a deletion', async () => {
    const { as, connectionIds } = await newTenant();
    const [connection] = connectionIds as [string];
    const ids = await exportIds(as, [connection, connection, connection, connection]);
    const refused = await createExport(as, connection);
    expectLimit(refused, 'TenantExportLimit', 'MAX_EXPORTS_PER_TENANT', 4);
    expect(Number(refused.headers.get('retry-after'))).toBe(3600);

    expect((await stack.call('DELETE', `exports/${ids[0]}`, { as })).status).toBe(204);
    expect((await createExport(as, connection)).status).toBe(201);
    expectLimit(
      await createExport(as, connection),
      'TenantExportLimit',
      'MAX_EXPORTS_PER_TENANT',
      4,
    );
  });

  it('lets only one of several concurrent requests save the last export', async () => {
    const { as, connectionIds } = await newTenant();
    const [connection] = connectionIds as [string];
    await exportIds(as, [connection, connection, connection]);
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, index) => createExport(as, connection, `Racer ${index}`)),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 429, 429, 429]);
  });

  it('holds a connection to 2 active runs, and frees a seat when a run is cancelled', async () => {
    const { as, connectionIds } = await newTenant();
    const [connection] = connectionIds as [string];
    const [first, second, third] = await exportIds(as, [connection, connection, connection]);
    const started = await requestRun(as, first!);
    expect(started.status).toBe(202);
    expect((await requestRun(as, second!)).status).toBe(202);
    const refused = await requestRun(as, third!);
    expectLimit(refused, 'ConnectionActiveRunLimit', 'MAX_ACTIVE_RUNS_PER_CONNECTION', 2);
    expect(Number(refused.headers.get('retry-after'))).toBe(60);
    // The export's own active run still answers 409, not the limit.
    expect((await requestRun(as, first!)).json()).toMatchObject({ error: { code: 'RunActive' } });

    const runId = started.json().id as string;
    const cancel = await stack.call('POST', `exports/${first}/runs/${runId}/cancel`, { as });
    expect(cancel.status).toBe(200);
    expect((await requestRun(as, third!)).status).toBe(202);
  });

  it('holds a tenant to 3 active runs across connections, and frees a seat when its export is deleted', async () => {
    const { as, connectionIds } = await newTenant(2);
    const [one, two] = connectionIds as [string, string];
    const ids = await exportIds(as, [one, one, two, two]);
    for (const id of ids.slice(0, 3)) expect((await requestRun(as, id)).status).toBe(202);
    expectLimit(
      await requestRun(as, ids[3]!),
      'TenantActiveRunLimit',
      'MAX_ACTIVE_RUNS_PER_TENANT',
      3,
    );
    // Deleting an export cancels its run, which ends it.
    expect((await stack.call('DELETE', `exports/${ids[0]}`, { as })).status).toBe(204);
    expect((await requestRun(as, ids[3]!)).status).toBe(202);
  });

  it('lets only one of two concurrent run requests take the last seat', async () => {
    const { as, connectionIds } = await newTenant(2);
    const [one, two] = connectionIds as [string, string];
    const ids = await exportIds(as, [one, one, two, two]);
    for (const id of ids.slice(0, 2)) expect((await requestRun(as, id)).status).toBe(202);
    const answers = await Promise.all([requestRun(as, ids[2]!), requestRun(as, ids[3]!)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([202, 429]);
  });

  it('leaves a scheduled run over a limit due, logged, and starts it at the first pass with a free seat', async () => {
    const { as, connectionIds } = await newTenant();
    const [connection] = connectionIds as [string];
    const ids = await exportIds(as, [connection, connection, connection]);
    // Every second: each pass finds a slot due for every export.
    const schedule = await stack.call('PUT', 'schedule', {
      as,
      body: { cron: '* * * * * *', timeZone: 'UTC' },
    });
    expect(schedule.status).toBe(200);
    await sleep(1100);

    await firePass(1);
    const first = await Promise.all(ids.map((id) => runsOf(as, id)));
    const started = first.filter((runs) => runs.some((run) => run.status === 'queued'));
    expect(started).toHaveLength(2);
    const waiting = ids[first.findIndex((runs) => runs.length === 0)]!;
    expect(first.flat().filter((run) => run.status === 'skipped')).toEqual([]);
    expect(stack.host.output()).toMatch(
      new RegExp(
        `Scheduled run waits for a fair-use limit.*${waiting}.*MAX_ACTIVE_RUNS_PER_CONNECTION`,
      ),
    );

    // Deleting an export ends its run; the other export's run still holds its slot (RunActive).
    const holder = ids.find((id) => id !== waiting)!;
    expect((await stack.call('DELETE', `exports/${holder}`, { as })).status).toBe(204);
    await sleep(1100);
    await firePass(2);
    const runs = await runsOf(as, waiting);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'schedule', status: 'queued' });
  });

  async function runsOf(as: object, exportId: string) {
    const response = await stack.call('GET', `exports/${exportId}/runs`, { as });
    return response.json().value as { id: string; status: string; trigger: string }[];
  }

  /** Fires the refresh timer and waits for its `count`th invocation in this stack to end. */
  async function firePass(count: number) {
    const marks = shardMarks(stack);
    const fired = await fetch(`${stack.url}/admin/functions/refresh-timer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(fired.status).toBe(202);
    const ended = /Executed 'Functions\.refresh-timer' \((Succeeded|Failed)/g;
    for (let waited = 0; (stack.host.output().match(ended) ?? []).length < count; waited += 50) {
      if (waited > 20_000) throw new Error('The refresh timer did not finish');
      await sleep(50);
    }
    await awaitShards(stack, marks);
  }
});
