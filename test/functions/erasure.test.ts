import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';
import { placesHolding } from '../support/storage-scan';
import { settled } from '../support/run-status';

const suffix = randomBytes(4).toString('hex');
const tenant = `erasure-${suffix}`;
const admin = { roles: ['Admin'], tid: tenant };
/** Every member of this file has an address at this domain, and no one else does. */
const domain = `erasure-${suffix}.example`;

interface Run {
  id: string;
  status: string;
  counts: Record<string, number>;
  segments: { name: string; listId?: number }[];
}

/** A segment of `count` members, one refused row (its value kept as a rejection) among them. */
function segmentCsv(prefix: string, count: number) {
  const emails = Array.from({ length: count }, (_, index) => `${prefix}${index}@${domain}`);
  const lines = ['email,first_name', ...emails.map((email, index) => `${email},M${index}`)];
  lines.push(`not-an-address-${prefix}@${domain}@twice,Broken`);
  return { csv: `${lines.join('\n')}\n`, emails };
}

describe('erasure: deleting an export or its connection leaves no member data behind', () => {
  const keys = [1, 2, 3].map(() => randomBytes(16).toString('hex'));
  let stack: AppStack;

  async function upload(name: string, csv: string) {
    const blobs = BlobServiceClient.fromConnectionString(stack.storage);
    const blob = blobs.getContainerClient('segments').getBlockBlobClient(`${tenant}/${name}.csv`);
    await blob.upload(csv, Buffer.byteLength(csv));
  }

  async function connection(name: string, apiKey: string): Promise<string> {
    const response = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: name, apiKey, consent: { accepted: true } },
    });
    expect(response.status).toBe(201);
    return response.json().id as string;
  }

  async function exportOf(name: string, connectionId: string): Promise<string> {
    const response = await stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: name,
        connectionId,
        segments: [name],
        emailField: 'email',
        dataFields: { firstName: 'first_name' },
        schedule: { mode: 'off' },
      },
    });
    expect(response.status).toBe(201);
    return response.json().id as string;
  }

  async function runToEnd(exportId: string): Promise<Run> {
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin });
    expect(started.status).toBe(202);
    const { id } = started.json() as { id: string };
    const deadline = Date.now() + 60_000;
    for (;;) {
      const run = (
        await stack.call('GET', `exports/${exportId}/runs/${id}`, { as: admin })
      ).json() as unknown as Run;
      if (settled(run.status)) return run;
      if (Date.now() > deadline) throw new Error(`Run still ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Makes Iterable refuse these members (forgotten users), so the run keeps a failure list. */
  async function forget(apiKey: string, emails: string[]) {
    const response = await fetch(`${stack.iterable.url}/_standin/forget`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey, emails }),
    });
    expect(response.status).toBe(200);
  }

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: keys });
  });
  afterAll(() => stack.stop());

  it('deleting an export erases its state, batches, failure lists and rejections', async () => {
    const { csv, emails } = segmentCsv('gone', 30);
    await upload('Gone', csv);
    await forget(keys[0]!, emails.slice(0, 2));
    const exportId = await exportOf('Gone', await connection('First', keys[0]!));
    const first = await runToEnd(exportId);
    // The refused row, and the two members Iterable refuses.
    expect(first.counts.rejected).toBe(3);
    expect(settled((await runToEnd(exportId)).status)).toBe(true);
    const before = await placesHolding(stack.storage, domain);
    // Sanity: the scan sees what a run keeps (the state, the batches, what was refused).
    expect(before.some((where) => where.includes('export-state/'))).toBe(true);
    expect(before.some((where) => where.endsWith('rejections.jsonl'))).toBe(true);
    expect(before.some((where) => where.includes('/failures/'))).toBe(true);
    expect(before.some((where) => /\/\d{6}\.json$/.test(where))).toBe(true);

    expect((await stack.call('DELETE', `exports/${exportId}`, { as: admin })).status).toBe(204);

    expect(await placesHolding(stack.storage, domain)).toEqual([]);
    // Repeating the delete finishes a pending erasure and answers as done.
    expect((await stack.call('DELETE', `exports/${exportId}`, { as: admin })).status).toBe(204);
    expect((await stack.call('GET', `exports/${exportId}`, { as: admin })).status).toBe(404);

    // The retention timer sweeps it again (its record waits until the runs settled).
    const fired = await fetch(`${stack.url}/admin/functions/retention-timer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(fired.status).toBe(202);
    const ended = /Executed 'Functions\.retention-timer' \(Succeeded/;
    const deadline = Date.now() + 30_000;
    while (!ended.test(stack.host.output())) {
      if (Date.now() > deadline) throw new Error(stack.host.output().slice(-3000));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(stack.host.output()).toMatch(
      /"message":"Retention timer pass".*"erasuresPending":[1-9]/,
    );
    expect(await placesHolding(stack.storage, domain)).toEqual([]);
  });

  it('force-deleting a connection erases the state of its exports, which start afresh elsewhere', async () => {
    const { csv, emails } = segmentCsv('moved', 20);
    await upload('Moved', csv);
    const exportId = await exportOf('Moved', await connection('Second', keys[1]!));
    const first = await runToEnd(exportId);
    expect(first.counts.added).toBe(20);
    expect((await placesHolding(stack.storage, 'moved0@')).length).toBeGreaterThan(0);

    const second = (await stack.call('GET', 'connections', { as: admin })).json().value as {
      id: string;
      displayName: string;
    }[];
    const secondId = second.find((item) => item.displayName === 'Second')!.id;
    const deleted = await stack.call('DELETE', `connections/${secondId}?force=true`, {
      as: admin,
    });
    expect(deleted.status).toBe(204);

    expect(await placesHolding(stack.storage, domain)).toEqual([]);
    // The export and its run history stay.
    expect((await stack.call('GET', `exports/${exportId}`, { as: admin })).status).toBe(200);
    const runs = (await stack.call('GET', `exports/${exportId}/runs`, { as: admin })).json();
    expect((runs.value as Run[]).map((run) => run.id)).toEqual([first.id]);

    // Moved to another project, the export sends everyone there: nothing is taken as confirmed.
    const third = await connection('Third', keys[2]!);
    const moved = await stack.call('PATCH', `exports/${exportId}`, {
      as: admin,
      body: { connectionId: third },
    });
    expect(moved.status).toBe(200);
    // At once: a worker reads the connection afresh for a new run (sending-context.ts), so the
    // run goes to the new project although the last one's batches went out a moment ago.
    const again = await runToEnd(exportId);
    expect(again.status).toBe('partiallySucceeded');
    expect(again.counts.added).toBe(20);
    const listId = again.segments[0]!.listId!;
    const lists = stack.iterable.inspect({ listId, users: false }).flatMap((item) => item.lists);
    expect(lists.flatMap((list) => list.members ?? []).sort()).toEqual([...emails].sort());
  });
});
