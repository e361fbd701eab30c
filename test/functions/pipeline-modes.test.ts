import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { startAppStack, type AppStack } from '../support/app-stack';

const tenant = `modes-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };

interface Run {
  id: string;
  status: string;
  percentComplete: number;
  estimatedFinishAt?: string;
  batchCount?: number;
  counts: Record<string, number>;
  segments: { name: string; listId?: number }[];
}

const emails = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, index) => `person${from + index}@example.com`);

/**
 * Dry runs, addOnly exports, full runs and cancelling, through the local host, Azurite and the
 * Iterable stand-in: what each mode sends, and what it leaves in the list and the state.
 */
describe('export modes and run control through the local host', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let connectionId: string;

  async function writeSegment(name: string, members: string[]) {
    // Each member's data field depends on the address only, so moving a window changes nothing.
    const csv = `email,tier\n${members.map((email) => `${email},t${email.length % 3}`).join('\n')}\n`;
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/${name}.csv`)
      .upload(csv, Buffer.byteLength(csv));
  }

  async function createExport(name: string, extra: Record<string, unknown> = {}) {
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: name,
        connectionId,
        segments: [name],
        emailField: 'email',
        dataFields: { tier: 'tier' },
        ...extra,
      },
    });
    expect(created.status).toBe(201);
    return String(created.json().id);
  }

  async function getRun(exportId: string, runId: string): Promise<Run> {
    return (
      await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin })
    ).json() as unknown as Run;
  }

  async function startRun(exportId: string, body: Record<string, unknown> = {}) {
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body });
    expect(started.status).toBe(202);
    return String(started.json().id);
  }

  async function waitForEnd(exportId: string, runId: string): Promise<Run> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const run = await getRun(exportId, runId);
      if (!['queued', 'planning', 'running'].includes(run.status)) return run;
      if (Date.now() > deadline) throw new Error(`Run still ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const runToEnd = async (exportId: string, body: Record<string, unknown> = {}) =>
    waitForEnd(exportId, await startRun(exportId, body));

  function members(listId: number | undefined): string[] {
    const [project] = stack.iterable.inspect({ listId, users: false });
    return project?.lists.find((list) => list.id === listId)?.members ?? [];
  }

  function sent() {
    const stats = stack.iterable.stats();
    return {
      subscribed: stats.subscribersReceived,
      unsubscribed: stats.unsubscribersReceived,
      listsCreated: stats.requests['POST /api/lists']?.['200'] ?? 0,
    };
  }

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key] });
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Modes', apiKey: key, consent: { accepted: true } },
    });
    connectionId = String(connection.json().id);
  });
  afterAll(() => stack.stop());

  it('counts on a dry run what would change, sends nothing and keeps the state', async () => {
    await writeSegment('Dry', [...emails(0, 1500), 'broken-address']);
    const exportId = await createExport('Dry');
    const before = sent();
    const dry = await runToEnd(exportId, { dryRun: true });
    expect(dry.status).toBe('succeeded');
    expect(dry.counts).toMatchObject({ total: 1500, added: 1500, removed: 0, rejected: 1 });
    expect(sent()).toEqual(before);

    // The dry run left no state behind: the real run still adds everyone.
    const real = await runToEnd(exportId);
    expect(real.counts).toMatchObject({ added: 1500, failed: 0 });
    expect(members(real.segments[0]?.listId)).toEqual(emails(0, 1500).sort());

    // A dry run after changes counts the removals it would make, and makes none.
    await writeSegment('Dry', emails(100, 1600));
    const afterDry = sent();
    const second = await runToEnd(exportId, { dryRun: true });
    expect(second.counts).toMatchObject({ added: 100, removed: 100, unchanged: 1400 });
    expect(sent()).toEqual(afterDry);
    expect(members(real.segments[0]?.listId)).toHaveLength(1500);
  });

  it('never unsubscribes anyone from an addOnly export', async () => {
    await writeSegment('Keep', emails(0, 1200));
    const exportId = await createExport('Keep', { syncMode: 'addOnly' });
    const first = await runToEnd(exportId);
    const listId = first.segments[0]?.listId;
    await writeSegment('Keep', emails(200, 1300));
    const before = sent();
    const second = await runToEnd(exportId);
    expect(second.status).toBe('succeeded');
    expect(second.counts).toMatchObject({ added: 100, removed: 0, unchanged: 1000 });
    expect(sent().unsubscribed).toBe(before.unsubscribed);
    expect(sent().subscribed - before.subscribed).toBe(100);
    expect(members(listId)).toEqual(emails(0, 1300).sort());
  });

  it('sends every member again on a full run, and the list stays exact', async () => {
    await writeSegment('Full', emails(0, 1200));
    const exportId = await createExport('Full');
    const first = await runToEnd(exportId);
    await writeSegment('Full', emails(0, 1100));
    const before = sent();
    const full = await runToEnd(exportId, { mode: 'full' });
    expect(full.status).toBe('succeeded');
    expect(full.counts).toMatchObject({ total: 1100, added: 0, removed: 100, unchanged: 1100 });
    expect(sent().subscribed - before.subscribed).toBe(1100);
    expect(sent().unsubscribed - before.unsubscribed).toBe(100);
    expect(members(first.segments[0]?.listId)).toEqual(emails(0, 1100).sort());
  });

  it('shows progress and an estimated finish, and a cancel stops the remaining batches', async () => {
    const total = 40_000;
    await writeSegment('Slow', emails(0, total));
    // Two requests a second: 40 batches take about 20 s, long enough to look and cancel.
    const slow = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Slow', apiKey: key, consent: { accepted: true }, requestsPerSecond: 2 },
    });
    const exportId = await createExport('Slow', { connectionId: slow.json().id });
    const runId = await startRun(exportId);
    let running: Run;
    const deadline = Date.now() + 60_000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      running = await getRun(exportId, runId);
      if (Date.now() > deadline) throw new Error(`Run still ${running.status}`);
    } while (running.status !== 'running' || running.percentComplete <= 10);
    expect(running.batchCount).toBe(total / 1000);
    expect(running.percentComplete).toBeLessThan(100);
    expect(Date.parse(running.estimatedFinishAt ?? '')).toBeGreaterThan(Date.now() - 1000);

    const cancelled = await stack.call('POST', `exports/${exportId}/runs/${runId}/cancel`, {
      as: admin,
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    // Wait for the queue to drain: every remaining batch sees the cancel and sends nothing.
    const queues = ['export-batches', 'export-batches-express'].map(
      (name) => new QueueClient(stack.storage, name),
    );
    for (let drained = false; !drained;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const waiting = await Promise.all(queues.map((queue) => queue.getProperties()));
      drained = waiting.every((properties) => properties.approximateMessagesCount === 0);
    }
    const run = await getRun(exportId, runId);
    expect(run.status).toBe('cancelled');
    const listId = run.segments[0]?.listId;
    const [project] = stack.iterable.inspect({ users: false, members: false });
    const sentToList = project?.lists.find((list) => list.id === listId)?.size ?? 0;
    expect(sentToList).toBeLessThan(total);

    // Nothing was committed: the next run sends what the cancelled one did not.
    await stack.call('PATCH', `connections/${String(slow.json().id)}`, {
      as: admin,
      body: { requestsPerSecond: null },
    });
    const next = await runToEnd(exportId);
    expect(next.status).toBe('succeeded');
    expect(members(next.segments[0]?.listId)).toEqual(emails(0, total).sort());
  });
});
