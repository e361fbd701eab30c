import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';

const tenant = `guard-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };
const contributor = { roles: ['Contributor'], tid: tenant };
const size = 5000;

interface Run {
  id: string;
  status: string;
  counts: { total: number; removed: number; failed: number };
  segments: { listId?: number }[];
  confirmation?: {
    message: string;
    thresholdPercent: number;
    segments: { name: string; listSize: number; removing: number; percent: number }[];
  };
}

const csv = `email,city\n${Array.from({ length: size }, (_, i) => `member${i}@example.com,Oslo`).join('\n')}\n`;
/** The snapshot cut off after a tenth of its bytes, mid-line, as a failed upload leaves it. */
const truncated = csv.slice(0, Math.floor(csv.length / 10));

/**
 * The mass-removal guard through the local host: a snapshot truncated to 10% of its size must
 * leave the list untouched until an Admin confirms the run, and a cancel must leave it untouched.
 */
describe('the mass-removal guard', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let exportId: string;
  let listId: number;

  const upload = (content: string) =>
    BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/Guarded.csv`)
      .upload(content, Buffer.byteLength(content));

  async function getRun(runId: string): Promise<Run> {
    return (
      await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin })
    ).json() as unknown as Run;
  }

  async function waitWhile(runId: string, statuses: string[]): Promise<Run> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const run = await getRun(runId);
      if (!statuses.includes(run.status)) return run;
      if (Date.now() > deadline) throw new Error(`Run still ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function startRun(): Promise<string> {
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body: {} });
    expect(started.status).toBe(202);
    return String(started.json().id);
  }

  const members = () =>
    stack.iterable.inspect({ listId, users: false })[0]?.lists.find((list) => list.id === listId)
      ?.members ?? [];
  const requestsSent = () => {
    const stats = stack.iterable.stats();
    return stats.subscribersReceived + stats.unsubscribersReceived;
  };

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key] });
    await upload(csv);
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Guarded', apiKey: key, consent: { accepted: true } },
    });
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: 'Guarded',
        connectionId: connection.json().id,
        segments: ['Guarded'],
        emailField: 'email',
        dataFields: { city: 'city' },
      },
    });
    exportId = String(created.json().id);
    const first = await waitWhile(await startRun(), ['queued', 'planning', 'running']);
    expect(first.status).toBe('succeeded');
    listId = first.segments[0]?.listId ?? 0;
    expect(members()).toHaveLength(size);
  });
  afterAll(() => stack.stop());

  it('holds a run that would empty most of the list, sends nothing, and a cancel keeps it so', async () => {
    await upload(truncated);
    const before = requestsSent();
    const runId = await startRun();
    const held = await waitWhile(runId, ['queued', 'planning']);
    expect(held.status).toBe('awaitingConfirmation');
    const kept = held.counts.total;
    // A tenth of the bytes: a little over a tenth of the members, as early lines are shorter.
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(size * 0.15);
    expect(held.confirmation).toMatchObject({
      thresholdPercent: 50,
      segments: [{ name: 'Guarded', listSize: size, removing: size - kept }],
    });
    expect(held.confirmation?.message).toMatch(/Guarded/);
    // The line the held-run alert looks for, under its own message.
    await stack.host.waitForOutput(
      new RegExp(`"message":"Run held for confirmation".*"runId":"${runId}"`),
    );
    expect(requestsSent()).toBe(before);
    expect(members()).toHaveLength(size);

    // Only an Admin may confirm.
    const refused = await stack.call('POST', `exports/${exportId}/runs/${runId}/confirm`, {
      as: contributor,
    });
    expect(refused.status).toBe(403);

    const cancelled = await stack.call('POST', `exports/${exportId}/runs/${runId}/cancel`, {
      as: admin,
    });
    expect(cancelled.json().status).toBe('cancelled');
    expect(requestsSent()).toBe(before);
    expect(members()).toHaveLength(size);
    // A cancelled run cannot be confirmed afterwards.
    const late = await stack.call('POST', `exports/${exportId}/runs/${runId}/confirm`, {
      as: admin,
    });
    expect(late.status).toBe(409);
  });

  it('sends the held changes, removals included, once an Admin confirms', async () => {
    await upload(truncated);
    const runId = await startRun();
    const held = await waitWhile(runId, ['queued', 'planning']);
    expect(held.status).toBe('awaitingConfirmation');
    expect(members()).toHaveLength(size);

    const confirmed = await stack.call('POST', `exports/${exportId}/runs/${runId}/confirm`, {
      as: admin,
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json().status).toBe('running');
    const done = await waitWhile(runId, ['running']);
    expect(done.status).toBe('partiallySucceeded'); // the cut-off last line is a rejection
    expect(done.counts).toMatchObject({ removed: size - held.counts.total, failed: 0 });
    expect(members()).toHaveLength(held.counts.total);
  });
});
