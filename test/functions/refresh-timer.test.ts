import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';

const tenant = `refresh-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };

interface Run {
  id: string;
  trigger: string;
  slot?: string;
  status: string;
  counts: Record<string, number>;
  segments: { name: string; listId?: number }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the refresh timer through the local host', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key] });
    const blobs = BlobServiceClient.fromConnectionString(stack.storage);
    const csv = 'email,first_name\nann@example.com,Ann\nbo@example.com,Bo\ncy@example.com,Cy\n';
    await blobs
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/Weekly.csv`)
      .upload(csv, Buffer.byteLength(csv));
  });
  afterAll(() => stack.stop());

  async function runs(exportId: string): Promise<Run[]> {
    const response = await stack.call('GET', `exports/${exportId}/runs`, { as: admin });
    return response.json().value as Run[];
  }

  async function fireTimer(times: number): Promise<void> {
    const fired = await fetch(`${stack.url}/admin/functions/refresh-timer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(fired.status).toBe(202);
    const executed = "Executed 'Functions\\.refresh-timer' \\(Succeeded";
    await stack.host.waitForOutput(new RegExp(`(${executed}[\\s\\S]*){${times}}`));
  }

  it('fans a tick out to the shards when fired by hand, a shard enqueues the due run of a refresh export, and the pipeline completes it', async () => {
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Scheduled', apiKey: key, consent: { accepted: true } },
    });
    // Every second, so a slot falls due right after the export is saved.
    const schedule = await stack.call('PUT', 'schedule', {
      as: admin,
      body: { cron: '* * * * * *', timeZone: 'Europe/Amsterdam' },
    });
    expect(schedule.status).toBe(200);
    // The first tick copies the exports saved before the sweep index into it (none here).
    await fireTimer(1);
    await stack.host.waitForOutput(/"message":"Refresh timer tick"[^\n]*"complete":true/);
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: 'Weekly',
        connectionId: connection.json().id,
        segments: ['Weekly'],
        emailField: 'email',
      },
    });
    expect(created.status).toBe(201);
    const { id, updatedAt } = created.json() as { id: string; updatedAt: string };
    expect(await runs(id)).toEqual([]);
    // Slots only count after the export was saved: wait until the next whole second has begun.
    while (Date.now() < Date.parse(updatedAt) + 1000) await sleep(50);

    // From now on the tick only sends one message per shard; the export's shard claims its slot.
    await fireTimer(2);
    await stack.host.waitForOutput(
      /"message":"Refresh timer tick"[^\n]*"refresh-timer","shards":64}/,
    );
    await stack.host.waitForOutput(/"message":"Refresh sweep shard"[^\n]*"started":1/);

    let run: Run | undefined;
    for (let attempt = 0; attempt < 300; attempt++) {
      run = (await runs(id))[0];
      if (run && !['queued', 'planning', 'running'].includes(run.status)) break;
      await sleep(100);
    }
    expect(run).toMatchObject({
      trigger: 'schedule',
      status: 'succeeded',
      counts: { total: 3, added: 3 },
    });
    expect(Date.parse(run?.slot ?? '')).toBeGreaterThan(Date.parse(updatedAt));
    const listId = run?.segments[0]?.listId ?? 0;
    const [project] = stack.iterable.inspect({ listId, users: false });
    expect(project?.lists.find((list) => list.id === listId)?.members).toEqual([
      'ann@example.com',
      'bo@example.com',
      'cy@example.com',
    ]);
    expect(await runs(id)).toHaveLength(1);
  });
});
