import { randomBytes, randomUUID } from 'node:crypto';
import { QueueClient } from '@azure/storage-queue';
import { createTableClient } from '../../../shared/clients/storage';
import { emptyCounts, type Run } from '../../../shared/runs/run-schemas';
import { WebhookEmitter } from '../../../shared/webhooks/webhook-emitter';
import { webhookEventMessageFormat } from '../../../shared/webhooks/webhook-event-types';
import { WebhookStore } from '../../../shared/webhooks/webhook-store';

const storage = process.env.AzureWebJobsStorage ?? '';
const suffix = randomBytes(4).toString('hex');

describe('WebhookEmitter (on the run’s Azurite)', () => {
  const queue = new QueueClient(storage, `webhook-events-${suffix}`);
  const table = createTableClient(
    { kind: 'connectionString', connectionString: storage },
    `webhookemitter${suffix}`,
  );
  const errors: string[] = [];
  /** One emitter per instance of the app: each has its own memory, all share the table. */
  const instance = () =>
    new WebhookEmitter({
      queue,
      store: new WebhookStore(table),
      connectionOf: () => Promise.resolve('connection-1'),
      log: { error: (message) => errors.push(message) },
    });

  async function emitted() {
    const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
    return receivedMessageItems.map((item) =>
      webhookEventMessageFormat.parse(
        JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')),
      ),
    );
  }

  function run(status: Run['status']): Run {
    return {
      id: randomUUID(),
      exportId: randomUUID(),
      trigger: 'manual',
      mode: 'delta',
      dryRun: false,
      status,
      counts: emptyCounts(),
      percentComplete: 100,
      segments: [],
      createdAt: new Date().toISOString(),
    };
  }

  beforeAll(async () => {
    await queue.create();
    await table.createTable();
  });
  afterAll(async () => {
    await queue.delete();
    await table.deleteTable();
  });

  it('emits a refused key once per run, however many batches on however many instances meet it', async () => {
    const ids = { exportId: randomUUID(), runId: randomUUID() };
    const instances = [instance(), instance(), instance()];
    await Promise.all(
      instances.flatMap((emitter) =>
        Array.from({ length: 5 }, () =>
          emitter.connectionKeyRejected('tenant-a', ids, { status: 401, code: 'BadApiKey' }),
        ),
      ),
    );
    const events = await emitted();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      tenantId: 'tenant-a',
      event: {
        type: 'com.iterable-segment-export.connection.key-rejected',
        subject: 'connections/connection-1',
        data: { runId: ids.runId, connectionId: 'connection-1' },
      },
    });
    // Another run's refusal is news again.
    await instance().connectionKeyRejected('tenant-a', { ...ids, runId: randomUUID() }, {});
    expect(await emitted()).toHaveLength(1);
  });

  it('emits the runs that end or wait for an Admin, and not cancelled or skipped ones', async () => {
    const emitter = instance();
    for (const status of ['succeeded', 'cancelled', 'skipped', 'failed'] as const)
      await emitter.runChanged('tenant-b', run(status));
    const types = (await emitted()).map((message) => message.event.type);
    expect(types.sort()).toEqual([
      'com.iterable-segment-export.run.failed',
      'com.iterable-segment-export.run.succeeded',
    ]);
  });

  it('logs, and does not throw, when the event cannot be queued', async () => {
    const broken = new WebhookEmitter({
      queue: new QueueClient(storage, `missing-queue-${suffix}`),
      store: new WebhookStore(table),
      connectionOf: () => Promise.resolve(undefined),
      log: { error: (message) => errors.push(message) },
    });
    await expect(broken.runChanged('tenant-c', run('succeeded'))).resolves.toBeUndefined();
    expect(errors).toEqual([expect.stringContaining('could not be emitted')]);
  });
});
