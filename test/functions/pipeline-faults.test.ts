import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '../../local/azurite';
import { startAppStack, type AppStack } from '../support/app-stack';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';

const tenant = `pipeline-faults-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };
const size = 10_000;

/**
 * Iterable failing one request in five with 503 and capping the key at a few requests a second,
 * and every batch message delivered twice: the list must still end exact, the counts too.
 */
describe('the export pipeline under faults', () => {
  const key = randomBytes(16).toString('hex');
  let azurite: Azurite;
  let queueProxy: FaultProxy;
  let stack: AppStack;

  beforeAll(async () => {
    azurite = await startAzurite({ blob: 0, queue: 0, table: 0 });
    const queueEndpoint = `http://127.0.0.1:${azurite.ports.queue}`;
    queueProxy = await startFaultProxy(queueEndpoint);
    // Both batch queues: export-batches and export-batches-express.
    queueProxy.fail({ method: 'POST', pathIncludes: '/export-batches', duplicate: true });
    stack = await startAppStack({
      apiKeys: [key],
      env: { AzureWebJobsStorage: azurite.connectionString.replace(queueEndpoint, queueProxy.url) },
    });
  });
  afterAll(async () => {
    await stack.stop();
    await queueProxy.close();
    await azurite.stop();
  });

  it('ends with the exact list and exact counts', async () => {
    const emails = Array.from({ length: size }, (_, index) => `member${index}@example.com`);
    const csv = `email,first_name\n${emails.map((email, index) => `${email},Member ${index}`).join('\n')}\n`;
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/Faulty.csv`)
      .upload(csv, Buffer.byteLength(csv));
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Faulty', apiKey: key, consent: { accepted: true } },
    });
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: 'Faulty',
        connectionId: connection.json().id,
        segments: ['Faulty'],
        emailField: 'email',
      },
    });
    const exportId = String(created.json().id);
    stack.iterable.configure({
      failProbability: 0.2,
      failStatus: 503,
      seed: 7,
      // Far under a new key's start rate (20/s): the run meets 429s however slowly it is planned.
      rateLimitPerSecond: 2,
    });

    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body: {} });
    const runId = String(started.json().id);
    let run: { status: string; counts: Record<string, number>; segments: { listId?: number }[] };
    const deadline = Date.now() + 120_000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 500));
      run = (
        await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin })
      ).json() as typeof run;
    } while (['queued', 'planning', 'running'].includes(run.status) && Date.now() < deadline);

    // Every batch message went through the duplicating proxy (at least one per 1,000 members).
    const batchPosts = queueProxy.seen.filter(
      (line) => line.startsWith('POST') && /\/export-batches(-express)?\/messages/.test(line),
    );
    expect(batchPosts.length).toBeGreaterThanOrEqual(size / 1000);
    const stats = stack.iterable.stats();
    expect(stats.injectedFaults).toBeGreaterThan(0);
    expect(stats.rateLimited).toBeGreaterThan(0);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ total: size, added: size, failed: 0, rejected: 0 });
    const listId = run.segments[0]?.listId ?? 0;
    const [project] = stack.iterable.inspect({ listId, users: false });
    expect(project?.lists.find((list) => list.id === listId)?.members).toEqual([...emails].sort());
  });

  it("keeps under the connection's request-rate cap, so Iterable never throttles", async () => {
    const capped = await startAppStack({ apiKeys: [key] });
    try {
      const count = 8000;
      const csv = `email\n${Array.from({ length: count }, (_, i) => `capped${i}@example.com`).join('\n')}\n`;
      await BlobServiceClient.fromConnectionString(capped.storage)
        .getContainerClient('segments')
        .getBlockBlobClient(`${tenant}/Capped.csv`)
        .upload(csv, Buffer.byteLength(csv));
      const connection = await capped.call('POST', 'connections', {
        as: admin,
        body: {
          displayName: 'Capped',
          apiKey: key,
          consent: { accepted: true },
          requestsPerSecond: 4,
        },
      });
      const created = await capped.call('POST', 'exports', {
        as: admin,
        body: {
          displayName: 'Capped',
          connectionId: connection.json().id,
          segments: ['Capped'],
          emailField: 'email',
        },
      });
      const exportId = String(created.json().id);
      capped.iterable.configure({ rateLimitPerSecond: 6 });
      const started = await capped.call('POST', `exports/${exportId}/runs`, {
        as: admin,
        body: {},
      });
      const runId = String(started.json().id);
      let status = 'queued';
      const deadline = Date.now() + 60_000;
      while (['queued', 'planning', 'running'].includes(status) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        status = String(
          (await capped.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin })).json()
            .status,
        );
      }
      expect(status).toBe('succeeded');
      expect(capped.iterable.stats().rateLimited).toBe(0);
    } finally {
      await capped.stop();
    }
  });
});
