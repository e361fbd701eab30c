import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';

const tenant = `pipeline-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };

interface Run {
  id: string;
  status: string;
  counts: Record<string, number>;
  segments: { name: string; listId?: number; counts: Record<string, number> }[];
  error?: { code: string; message: string };
}

async function uploadSegment(storage: string, name: string, content: string) {
  const blobs = BlobServiceClient.fromConnectionString(storage);
  const blob = blobs.getContainerClient('segments').getBlockBlobClient(`${tenant}/${name}`);
  await blob.upload(content, Buffer.byteLength(content));
}

/** A segment of `count` members with some invalid, duplicate and mixed-case e-mails. */
function segmentCsv(count: number, city: (index: number) => string = () => 'Utrecht') {
  const lines = ['email,first_name,city'];
  const valid: string[] = [];
  for (let index = 0; index < count; index++) {
    const email = `member${index}@example.com`;
    valid.push(email);
    lines.push(`${index % 7 === 0 ? email.toUpperCase() : email},Member ${index},${city(index)}`);
  }
  lines.push('not-an-email,Broken,X', ',Empty,X', ` MEMBER1@EXAMPLE.COM ,Duplicate,X`);
  return { csv: `${lines.join('\n')}\n`, valid: valid.sort() };
}

const size = 50_000;
const churn = size / 100;

describe('the export pipeline through the local host', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let exportId: string;

  /** Runs the export (without a body: the defaults) and polls it as Retry-After says. */
  async function runToEnd(body?: Record<string, unknown>): Promise<Run> {
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body });
    expect(started.status).toBe(202);
    const { id } = started.json() as { id: string };
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await stack.call('GET', `exports/${exportId}/runs/${id}`, { as: admin });
      const run = response.json() as unknown as Run;
      const going = ['queued', 'planning', 'running'].includes(run.status);
      // The status monitor asks to be polled again while the run goes on, and only then.
      expect(response.headers.get('retry-after')).toBe(going ? '5' : null);
      if (!going) return run;
      if (Date.now() > deadline)
        throw new Error(`Run still ${run.status}:\n${stack.host.output().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  function listMembers(listId: number): string[] {
    const [project] = stack.iterable.inspect({ listId, users: false });
    return project?.lists.find((list) => list.id === listId)?.members ?? [];
  }

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key] });
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Pipeline', apiKey: key, consent: { accepted: true } },
    });
    const { csv } = segmentCsv(size);
    await uploadSegment(stack.storage, 'Newsletter.csv', csv);
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: 'Newsletter',
        connectionId: connection.json().id,
        segments: ['Newsletter'],
        emailField: 'email',
        dataFields: { firstName: 'first_name', city: 'city' },
      },
    });
    exportId = created.json().id as string;
  });
  afterAll(() => stack.stop());

  it('fills a list named like the segment with exactly the valid, normalized e-mails', async () => {
    const run = await runToEnd();
    expect(run.status).toBe('partiallySucceeded');
    expect(run.counts).toMatchObject({
      total: size,
      added: size,
      rejected: 2,
      failed: 0,
      removed: 0,
      duplicates: 1,
    });
    // The segment's own counts: its two refused rows, and the address that came twice.
    expect(run.segments[0]?.counts).toMatchObject({ total: size, rejected: 2, duplicates: 1 });
    const listId = run.segments[0]?.listId ?? 0;
    const lists = stack.iterable.inspect({ users: false, members: false })[0]?.lists ?? [];
    expect(lists.find((list) => list.id === listId)?.name).toBe('Newsletter');
    expect(listMembers(listId)).toEqual(segmentCsv(size).valid);
    const rejections = await stack.call('GET', `exports/${exportId}/runs/${run.id}/rejections`, {
      as: admin,
    });
    expect(rejections.json().value).toEqual([
      { email: 'not-an-email', reason: 'invalidEmail', line: size + 2, segment: 'Newsletter' },
      { email: '', reason: 'missingEmail', line: size + 3, segment: 'Newsletter' },
    ]);
    // Paged: a page of one, then the link to the next and last one.
    const route = `exports/${exportId}/runs/${run.id}/rejections`;
    const first = (await stack.call('GET', `${route}?top=1`, { as: admin })).json();
    expect(first.value).toEqual([
      { email: 'not-an-email', reason: 'invalidEmail', line: size + 2, segment: 'Newsletter' },
    ]);
    const token = new URL(String(first.nextLink)).searchParams.get('$skipToken');
    const second = (
      await stack.call('GET', `${route}?top=1&$skipToken=${token}`, { as: admin })
    ).json();
    expect(second.value).toEqual([
      { email: '', reason: 'missingEmail', line: size + 3, segment: 'Newsletter' },
    ]);
    expect(second.nextLink).toBeUndefined();
    const malformed = await stack.call('GET', `${route}?$skipToken=-1`, { as: admin });
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('$skipToken');
  });

  it('sends only the changes on a delta run after 1% churn, and removes leavers', async () => {
    const before = stack.iterable.stats().subscribersReceived;
    // The first `churn` members leave, as many join, and as many others move city.
    const lines = ['email,first_name,city'];
    const valid: string[] = [];
    for (let index = churn; index < size + churn; index++) {
      valid.push(`member${index}@example.com`);
      const moved = index >= 1000 && index < 1000 + churn;
      lines.push(`member${index}@example.com,Member ${index},${moved ? 'Oslo' : 'Utrecht'}`);
    }
    await uploadSegment(stack.storage, 'Newsletter.csv', `${lines.join('\n')}\n`);
    const run = await runToEnd();
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({
      total: size,
      added: churn,
      updated: churn,
      removed: churn,
      unchanged: size - 2 * churn,
    });
    expect(stack.iterable.stats().subscribersReceived - before).toBe(2 * churn);
    expect(listMembers(run.segments[0]?.listId ?? 0)).toEqual(valid.sort());
  });

  it('recreates and refills a list deleted in Iterable', async () => {
    const previous = await runToEnd();
    const oldListId = previous.segments[0]?.listId ?? 0;
    await fetch(`${stack.iterable.url}/api/lists/${oldListId}`, {
      method: 'DELETE',
      headers: { 'Api-Key': key },
    });
    const run = await runToEnd();
    expect(run.status).toBe('succeeded');
    const listId = run.segments[0]?.listId ?? 0;
    expect(listId).not.toBe(oldListId);
    expect(run.counts.added).toBe(size);
    expect(listMembers(listId)).toHaveLength(size);
  });

  it('fails a run whose snapshot is missing and removes no one', async () => {
    const previous = await runToEnd();
    const listId = previous.segments[0]?.listId ?? 0;
    const blobs = BlobServiceClient.fromConnectionString(stack.storage);
    await blobs.getContainerClient('segments').getBlobClient(`${tenant}/Newsletter.csv`).delete();
    const run = await runToEnd();
    expect(run.status).toBe('failed');
    expect(run.error?.message).toMatch(/Newsletter/);
    // A run that fails while planning logs its end like any other, for the failed-run alert.
    await stack.host.waitForOutput(
      new RegExp(`"message":"Run finished".*"runId":"${run.id}".*"status":"failed"`),
    );
    expect(listMembers(listId)).toHaveLength(size);
  });
});
