import { randomBytes } from 'node:crypto';
import { odata, TableClient } from '@azure/data-tables';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { startAzurite, type Azurite } from '../../local/azurite';
import { newRunId } from '../../shared/runs/run-id';
import { startAppStack, type AppStack } from '../support/app-stack';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { takeMessages, toBase64 } from '../support/queues';
import { settled } from '../support/run-status';

const tenant = `upgrade-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };

interface Run {
  id: string;
  status: string;
  counts: Record<string, number>;
  segments: { name: string; listId?: number }[];
  batchCount?: number;
}

/** Members `from` to `to` (exclusive); those in `moved` live in Oslo instead. */
function segment(from: number, to: number, moved: (index: number) => boolean = () => false) {
  const lines = ['email,first_name,city'];
  const emails: string[] = [];
  for (let index = from; index < to; index++) {
    emails.push(`member${index}@example.com`);
    lines.push(`member${index}@example.com,Member ${index},${moved(index) ? 'Oslo' : 'Utrecht'}`);
  }
  return { csv: `${lines.join('\n')}\n`, emails: emails.sort() };
}

/**
 * A redeploy while a run is in flight: the run was requested, planned and sent by the previous
 * release (its queue messages and stored records carry no schemaVersion) and the current release
 * takes it over. Each stage's messages are held on the queue, rewritten exactly as the previous
 * release wrote them, and only then handed to the app, together with every record it reads back.
 */
describe('a run in flight across an upgrade', () => {
  const key = randomBytes(16).toString('hex');
  let azurite: Azurite;
  let queueProxy: FaultProxy;
  let stack: AppStack;
  let exportId: string;
  /** Storage as the test sees it, past the proxy in front of the app's queues. */
  let blobs: BlobServiceClient;
  let runQueue: QueueClient;
  let batchQueue: QueueClient;
  let expressBatchQueue: QueueClient;
  let runsTable: TableClient;

  async function getRun(runId: string): Promise<Run> {
    const response = await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin });
    return response.json() as unknown as Run;
  }

  async function waitFor(runId: string, done: (run: Run) => boolean): Promise<Run> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const run = await getRun(runId);
      if (done(run)) return run;
      if (Date.now() > deadline)
        throw new Error(`Run still ${run.status}:\n${stack.host.output().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function requestRun(): Promise<string> {
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body: {} });
    expect(started.status).toBe(202);
    return String(started.json().id);
  }

  async function uploadSegment(csv: string) {
    const blob = blobs.getContainerClient('segments').getBlockBlobClient(`${tenant}/Members.csv`);
    await blob.upload(csv, Buffer.byteLength(csv));
  }

  function listMembers(listId: number): string[] {
    const [project] = stack.iterable.inspect({ listId, users: false });
    return project?.lists.find((list) => list.id === listId)?.members ?? [];
  }

  /**
   * Takes `count` messages off the queue and puts them back without their schemaVersion, on
   * `to` when the previous release wrote them to another queue.
   */
  async function downgradeMessages(queue: QueueClient, count: number, to = queue) {
    for (const text of await takeMessages(queue, count)) {
      const { schemaVersion, ...previous } = JSON.parse(text) as Record<string, unknown>;
      expect(schemaVersion).toBe(1);
      await to.sendMessage(toBase64(JSON.stringify(previous)));
    }
  }

  /**
   * Rewrites the tenant's rows in the runs table as the previous release wrote them: the run
   * JSON and the rows without schemaVersion. Returns how many rows it rewrote.
   */
  async function downgradeRows(): Promise<number> {
    let rewritten = 0;
    const rows = runsTable.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${tenant}` },
    });
    for await (const row of rows) {
      const { etag: _etag, timestamp: _timestamp, schemaVersion, ...fields } = row;
      const run =
        typeof fields.run === 'string' ? (JSON.parse(fields.run) as Record<string, unknown>) : {};
      if (schemaVersion === undefined && run.schemaVersion === undefined) continue;
      if (typeof fields.run === 'string') {
        const { schemaVersion: _version, ...previous } = run;
        fields.run = JSON.stringify(previous);
      }
      await runsTable.updateEntity(
        { ...fields, partitionKey: tenant, rowKey: String(row.rowKey) },
        'Replace',
      );
      rewritten++;
    }
    return rewritten;
  }

  /**
   * Rewrites the tenant's blobs as the previous release wrote them: state.json without
   * schemaVersion, and no schemaversion in any blob's metadata. Returns the names it rewrote.
   */
  async function downgradeBlobs(): Promise<string[]> {
    const rewritten: string[] = [];
    const containers = ['export-state', 'export-batches'].map((name) =>
      blobs.getContainerClient(name),
    );
    for (const container of containers) {
      for await (const blob of container.listBlobsFlat({
        prefix: `${encodeURIComponent(tenant)}/`,
        includeMetadata: true,
      })) {
        if (blob.name.endsWith('/state.json')) {
          await downgradePointer(container, blob.name);
          rewritten.push('state.json');
        }
        const { schemaversion, ...previous } = blob.metadata ?? {};
        if (schemaversion === undefined) continue;
        await container.getBlobClient(blob.name).setMetadata(previous);
        rewritten.push(blob.name.replace(/^.*\//, ''));
      }
    }
    return rewritten;
  }

  async function downgradePointer(container: ContainerClient, name: string) {
    const blob = container.getBlockBlobClient(name);
    const pointer = JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as {
      schemaVersion?: number;
    };
    const { schemaVersion, ...previous } = pointer;
    if (schemaVersion === undefined) return;
    const body = JSON.stringify(previous);
    await blob.upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
  }

  /** Nothing is received from the pipeline's queues but from those named. */
  function receiveOnlyFrom(...queues: string[]) {
    queueProxy.clear();
    const pipelineQueues = [
      'export-runs',
      'export-runs-on-demand',
      'export-batches',
      'export-batches-express',
    ];
    for (const queue of pipelineQueues) {
      if (!queues.includes(queue))
        queueProxy.fail({ method: 'GET', pathIncludes: `/${queue}/messages`, status: 404 });
    }
  }

  beforeAll(async () => {
    azurite = await startAzurite({ blob: 0, queue: 0, table: 0 });
    const queueEndpoint = `http://127.0.0.1:${azurite.ports.queue}`;
    queueProxy = await startFaultProxy(queueEndpoint);
    stack = await startAppStack({
      apiKeys: [key],
      env: { AzureWebJobsStorage: azurite.connectionString.replace(queueEndpoint, queueProxy.url) },
    });
    blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
    // The runs here are requested on demand.
    runQueue = new QueueClient(azurite.connectionString, 'export-runs-on-demand');
    batchQueue = new QueueClient(azurite.connectionString, 'export-batches');
    expressBatchQueue = new QueueClient(azurite.connectionString, 'export-batches-express');
    runsTable = TableClient.fromConnectionString(azurite.connectionString, 'runs', {
      allowInsecureConnection: true,
    });
    // The export's first run, whose state the run in flight starts from, sends this.
    await uploadSegment(segment(0, 6000).csv);
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Upgrade', apiKey: key, consent: { accepted: true } },
    });
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: 'Members',
        connectionId: connection.json().id,
        segments: ['Members'],
        emailField: 'email',
        dataFields: { firstName: 'first_name', city: 'city' },
      },
    });
    exportId = String(created.json().id);
  });
  afterAll(async () => {
    await stack.stop();
    await queueProxy.close();
    await azurite.stop();
  });

  it('ends succeeded with exact counts and the list equal to the segment', async () => {
    const first = await waitFor(await requestRun(), (run) => settled(run.status));
    expect(first).toMatchObject({ status: 'succeeded', counts: { total: 6000, added: 6000 } });
    expect(await downgradeRows()).toBeGreaterThan(0);
    expect(await downgradeBlobs()).toEqual(
      expect.arrayContaining(['state.json', 'Members.tsv.gz', 'lists.json']),
    );

    // 1,500 leave, 1,200 join and 900 move: two removal batches and three of subscribes.
    const next = segment(1500, 7200, (index) => index >= 3000 && index < 3900);
    await uploadSegment(next.csv);
    receiveOnlyFrom();
    const runId = await requestRun();
    await downgradeMessages(runQueue, 1);
    expect(await downgradeRows()).toBe(2); // the queued run and its export's active-run marker

    receiveOnlyFrom('export-runs-on-demand');
    const planned = await waitFor(runId, (run) => !['queued', 'planning'].includes(run.status));
    expect(planned).toMatchObject({ status: 'running', batchCount: 5 });
    // The previous release had one batch queue: the run's five batches wait there, not express.
    await downgradeMessages(expressBatchQueue, 5, batchQueue);
    expect(await downgradeRows()).toBe(1); // the run, planned
    expect(await downgradeBlobs()).toEqual(
      expect.arrayContaining(['Members.tsv.gz', 'lists.json']),
    );

    receiveOnlyFrom('export-runs-on-demand', 'export-batches', 'export-batches-express');
    const run = await waitFor(runId, (candidate) => settled(candidate.status));
    expect(run.status).toBe('succeeded');
    expect(run.counts).toEqual({
      total: 5700,
      added: 1200,
      updated: 900,
      removed: 1500,
      unchanged: 3600,
      rejected: 0,
      failed: 0,
      // Planned by the previous release, which did not count duplicates: none.
      duplicates: 0,
    });
    expect(listMembers(run.segments[0]?.listId ?? 0)).toEqual(next.emails);

    // What the upgraded run committed is the state the next one starts from: nothing to send.
    const after = await waitFor(await requestRun(), (candidate) => settled(candidate.status));
    expect(after.counts).toMatchObject({ total: 5700, added: 0, updated: 0, removed: 0 });
  }, 180_000);

  it('leaves a message of a newer release on its queue, for an instance of that release', async () => {
    receiveOnlyFrom('export-runs-on-demand', 'export-batches', 'export-batches-express');
    const runId = newRunId(Date.now());
    const newer = { tenantId: tenant, exportId, runId, schemaVersion: 2, priority: 'high' };
    await runQueue.sendMessage(toBase64(JSON.stringify(newer)));
    await stack.host.waitForOutput(
      /"message":"Left a message of a newer release on the queue".*"schemaVersion":2/,
    );
    await stack.host.waitForOutput(/Executed 'Functions\.plan-run-on-demand' \(Failed/);
    // Failed, so released back to the queue rather than completed or dropped as not valid.
    expect((await runQueue.getProperties()).approximateMessagesCount).toBe(1);
    expect(stack.host.output()).not.toContain('Dropped a message that is not valid');
  });
});
