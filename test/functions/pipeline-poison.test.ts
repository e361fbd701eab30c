import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '../../local/azurite';
import { startAppStack, type AppStack } from '../support/app-stack';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';

const tenant = `poison-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };
const size = 5000;

interface Run {
  id: string;
  status: string;
  counts: Record<string, number>;
  segments: { listId?: number }[];
}

/**
 * A batch whose blob can never be read fails every delivery and lands in the poison queue. The
 * run must still end (with that batch's members counted as failed), and the next run must send
 * them: nothing lost, nothing stuck.
 */
describe('a poison batch through the local host', () => {
  const key = randomBytes(16).toString('hex');
  let azurite: Azurite;
  let blobProxy: FaultProxy;
  let stack: AppStack;
  let exportId: string;

  async function runToEnd(): Promise<Run> {
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body: {} });
    expect(started.status).toBe(202);
    const runId = String(started.json().id);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const run = (
        await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin })
      ).json() as unknown as Run;
      if (!['queued', 'planning', 'running'].includes(run.status)) return run;
      if (Date.now() > deadline) throw new Error(`Run still ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  beforeAll(async () => {
    azurite = await startAzurite({ blob: 0, queue: 0, table: 0 });
    const blobEndpoint = `http://127.0.0.1:${azurite.ports.blob}`;
    blobProxy = await startFaultProxy(blobEndpoint);
    stack = await startAppStack({
      apiKeys: [key],
      env: {
        AzureWebJobsStorage: azurite.connectionString.replace(blobEndpoint, blobProxy.url),
        // Two deliveries a second apart, then the poison queue: the Azure setting names.
        AzureFunctionsJobHost__extensions__queues__maxDequeueCount: '2',
        AzureFunctionsJobHost__extensions__queues__visibilityTimeout: '00:00:01',
      },
    });
    const emails = Array.from({ length: size }, (_, index) => `member${index}@example.com`);
    const csv = `email\n${emails.join('\n')}\n`;
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/Poisoned.csv`)
      .upload(csv, Buffer.byteLength(csv));
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Poisoned', apiKey: key, consent: { accepted: true } },
    });
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: 'Poisoned',
        connectionId: connection.json().id,
        segments: ['Poisoned'],
        emailField: 'email',
      },
    });
    exportId = String(created.json().id);
  });
  afterAll(async () => {
    await stack.stop();
    await blobProxy.close();
    await azurite.stop();
  });

  it('ends the run with the batch counted failed, and the next run sends it', async () => {
    // Batch 2's blob (and its failure list) answers 404 to every read.
    blobProxy.fail({ method: 'GET', pathIncludes: '/000002.json', status: 404 });
    const first = await runToEnd();
    expect(first.status).toBe('partiallySucceeded');
    expect(first.counts).toMatchObject({ total: size, added: size - 1000, failed: 1000 });
    const listId = first.segments[0]?.listId ?? 0;
    const sizeOf = () =>
      stack.iterable
        .inspect({ listId, users: false, members: false })[0]
        ?.lists.find((list) => list.id === listId)?.size;
    expect(sizeOf()).toBe(size - 1000);

    blobProxy.clear();
    const second = await runToEnd();
    expect(second.status).toBe('succeeded');
    // The failed batch could not be read back, so its segment's state was not advanced: the
    // next run sends the whole segment again rather than guess which members went through.
    expect(second.counts).toMatchObject({ failed: 0, removed: 0 });
    expect(second.counts.added).toBeGreaterThanOrEqual(1000);
    expect(sizeOf()).toBe(size);
  });
});
