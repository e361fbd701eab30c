import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';
import { settled } from '../support/run-status';
import { dumpStorage } from '../support/storage-scan';
import { eventually, signatureVerifies, startWebhookReceiver } from '../support/webhook-receiver';

const tenant = `webhooks-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };
const otherAdmin = { roles: ['Admin'], tid: `${tenant}-other` };
const succeeded = 'com.iterable-segment-export.run.succeeded';
const failed = 'com.iterable-segment-export.run.failed';

describe('webhooks: deliveries of run events through the local host', () => {
  const apiKey = randomBytes(16).toString('hex');
  const secrets = {
    all: `all-${randomBytes(12).toString('hex')}`,
    flaky: `flaky-${randomBytes(12).toString('hex')}`,
    failedOnly: `failed-${randomBytes(12).toString('hex')}`,
  };
  let stack: AppStack;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const responses: string[] = [];
  const hooks: Record<keyof typeof secrets, string> = { all: '', flaky: '', failedOnly: '' };
  let exportId = '';
  const eventsAt = (path: string) =>
    receiver.at(path).map((delivery) => JSON.parse(delivery.body) as Record<string, unknown>);

  async function call(...args: Parameters<AppStack['call']>) {
    const response = await stack.call(...args);
    responses.push(`${response.status} ${JSON.stringify([...response.headers])} ${response.text}`);
    return response;
  }

  async function register(path: string, secret: string, events?: string[]) {
    const body = { url: `${receiver.url}${path}`, secret, ...(events ? { events } : {}) };
    const response = await call('POST', 'webhooks', { as: admin, body });
    expect(`${response.status} ${response.text}`).toMatch(/^201 /);
    return response.json();
  }

  async function runToEnd(exportId: string) {
    const started = await call('POST', `exports/${exportId}/runs`, { as: admin, body: {} });
    expect(started.status).toBe(202);
    const runId = String(started.json().id);
    return eventually(
      async () => {
        const run = (await call('GET', `exports/${exportId}/runs/${runId}`, { as: admin })).json();
        return settled(String(run.status)) ? run : undefined;
      },
      60_000,
      'the run to end',
    );
  }

  beforeAll(async () => {
    receiver = await startWebhookReceiver({ '/flaky': [500, 200] });
    // The key is added, not given at start: a stand-in reset then forgets it, as a revoked key.
    stack = await startAppStack({ env: { WEBHOOKS_ALLOW_LOCAL_TARGETS: 'true' } });
    stack.iterable.addApiKey(apiKey);
    hooks.all = String((await register('/all', secrets.all)).id);
    hooks.flaky = String((await register('/flaky', secrets.flaky, [succeeded])).id);
    hooks.failedOnly = String((await register('/failed-only', secrets.failedOnly, [failed])).id);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('delivers one signed CloudEvent per subscribed webhook when a run succeeds, retrying a receiver that failed', async () => {
    const connection = await call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Webhooks', apiKey, consent: { accepted: true } },
    });
    const csv = 'email,first_name\nada@example.com,Ada\ngrace@example.com,Grace\n';
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/Hooked.csv`)
      .upload(csv, Buffer.byteLength(csv));
    const created = await call('POST', 'exports', {
      as: admin,
      body: {
        displayName: 'Hooked',
        connectionId: connection.json().id,
        segments: ['Hooked'],
        emailField: 'email',
      },
    });
    exportId = String(created.json().id);
    const run = await runToEnd(exportId);
    expect(run.status).toBe('succeeded');

    const [delivery] = await eventually(
      () => (receiver.at('/all').length ? receiver.at('/all') : undefined),
      30_000,
      'a delivery to /all',
    );
    expect(delivery!.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect(delivery!.headers['webhook-signature']).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
    expect(delivery!.headers['webhook-id']).toBe((JSON.parse(delivery!.body) as { id: string }).id);
    expect(signatureVerifies(delivery!, secrets.all)).toBe(true);
    expect(signatureVerifies(delivery!, secrets.flaky)).toBe(false);
    const event = JSON.parse(delivery!.body) as Record<string, unknown>;
    expect(event).toMatchObject({
      specversion: '1.0',
      type: succeeded,
      source: expect.stringContaining(tenant) as string,
      subject: `exports/${exportId}/runs/${String(run.id)}`,
      datacontenttype: 'application/json',
      data: { tenantId: tenant, exportId, runId: run.id, status: 'succeeded' },
    });
    expect(delivery!.headers['webhook-id']).toBe(event.id);
    expect((event.data as { counts: Record<string, number> }).counts).toMatchObject({
      total: 2,
      added: 2,
    });

    // The flaky receiver answered 500 first: the attempt is recorded, and retried after a delay.
    const retrying = await eventually(
      async () => {
        const hook = (await call('GET', `webhooks/${hooks.flaky}`, { as: admin })).json();
        return hook.lastDelivery ? hook.lastDelivery : undefined;
      },
      30_000,
      'the first attempt to /flaky',
    );
    expect(retrying).toMatchObject({ attempt: 1, status: 'retrying', responseStatus: 500 });
    const delivered = await eventually(
      async () => {
        const hook = (await call('GET', `webhooks/${hooks.flaky}`, { as: admin })).json();
        const last = hook.lastDelivery as { status: string } | undefined;
        return last?.status === 'delivered' ? last : undefined;
      },
      45_000,
      'the retry to /flaky',
    );
    expect(delivered).toMatchObject({
      eventId: event.id,
      type: succeeded,
      attempt: 2,
      responseStatus: 200,
    });
    const flaky = receiver.at('/flaky');
    expect(flaky.map((attempt) => attempt.answered)).toEqual([500, 200]);
    // Every attempt sends the same bytes, signed the same way.
    expect(flaky[1]!.body).toBe(flaky[0]!.body);
    expect(flaky.every((attempt) => signatureVerifies(attempt, secrets.flaky))).toBe(true);

    // Subscribed to run.failed only: a succeeded run is not sent there.
    expect(receiver.at('/failed-only')).toEqual([]);
    const failedOnly = (await call('GET', `webhooks/${hooks.failedOnly}`, { as: admin })).json();
    expect(failedOnly.lastDelivery).toBeUndefined();
    expect(receiver.at('/all')).toHaveLength(1);
  }, 150_000);

  it('tells of a run held for confirmation, and of a run failed by a revoked key once', async () => {
    const header = 'email,first_name\n';
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/Hooked.csv`)
      .upload(header, header.length);
    const held = await runToEnd(exportId);
    expect(held.status).toBe('awaitingConfirmation');
    const heldEvent = await eventually(
      () => eventsAt('/all').find((event) => String(event.type).endsWith('awaiting-confirmation')),
      30_000,
      'the awaiting-confirmation event',
    );
    expect(heldEvent.data).toMatchObject({
      runId: held.id,
      status: 'awaitingConfirmation',
      confirmation: { segments: [{ name: 'Hooked', removing: 2 }] },
    });
    const cancel = await call('POST', `exports/${exportId}/runs/${String(held.id)}/cancel`, {
      as: admin,
    });
    expect(cancel.status).toBe(200);

    stack.iterable.reset();
    const refused = await runToEnd(exportId);
    expect(refused.status).toBe('failed');
    const keyEvent = await eventually(
      () => eventsAt('/all').find((event) => String(event.type).endsWith('key-rejected')),
      30_000,
      'the key-rejected event',
    );
    expect(keyEvent.data).toMatchObject({
      exportId,
      runId: refused.id,
      error: { code: 'ConnectionKeyRejected' },
    });
    await eventually(
      () => (receiver.at('/failed-only').length ? true : undefined),
      30_000,
      'the run.failed event at /failed-only',
    );
    const failedEvents = eventsAt('/failed-only');
    expect(failedEvents.map((event) => event.type)).toEqual([failed]);
    expect(failedEvents[0]!.data).toMatchObject({ runId: refused.id, status: 'failed' });
    // Cancelled runs tell nothing; every event reached /all once.
    await eventually(
      () => (receiver.at('/all').length >= 4 ? true : undefined),
      30_000,
      'four events at /all',
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const types = eventsAt('/all').map((event) =>
      String(event.type).replace(/^.*\.(run|connection)\./, ''),
    );
    expect(types.sort()).toEqual(['awaiting-confirmation', 'failed', 'key-rejected', 'succeeded']);
  }, 120_000);

  it('lists the webhooks page by page, and shows another tenant none of them', async () => {
    const first = (await call('GET', 'webhooks?top=2', { as: admin })).json();
    expect(first.value).toHaveLength(2);
    expect(typeof first.nextLink).toBe('string');
    const next = new URL(String(first.nextLink));
    const second = (await call('GET', `webhooks${next.search}`, { as: admin })).json();
    const ids = [...(first.value as { id: string }[]), ...(second.value as { id: string }[])];
    expect(ids.map((hook) => hook.id).sort()).toEqual(Object.values(hooks).sort());

    const foreign = await call('GET', 'webhooks', { as: otherAdmin });
    expect(foreign.json().value).toEqual([]);
    for (const id of Object.values(hooks)) {
      expect((await call('GET', `webhooks/${id}`, { as: otherAdmin })).status).toBe(404);
      expect((await call('DELETE', `webhooks/${id}`, { as: otherAdmin })).status).toBe(404);
    }
    expect((await call('GET', `webhooks/${hooks.all}`, { as: admin })).status).toBe(200);
  });

  it('never lets a webhook secret reach a response, a table row, a queue message or a blob', async () => {
    const stored = await dumpStorage(stack.storage);
    expect(stored.some((item) => item.where === 'table webhooks')).toBe(true);
    for (const secret of Object.values(secrets)) {
      expect(stored.filter((item) => item.text.includes(secret)).map((item) => item.where)).toEqual(
        [],
      );
      expect(responses.filter((response) => response.includes(secret))).toEqual([]);
      expect(stack.host.output()).not.toContain(secret);
    }
    const hook = (await call('GET', `webhooks/${hooks.all}`, { as: admin })).json();
    expect(hook.secretHint).toBe(`…${secrets.all.slice(-4)}`);
  });

  it('deletes a webhook, which then is gone', async () => {
    expect((await call('DELETE', `webhooks/${hooks.failedOnly}`, { as: admin })).status).toBe(204);
    expect((await call('GET', `webhooks/${hooks.failedOnly}`, { as: admin })).status).toBe(404);
    const audit = await call('GET', 'audit', { as: admin });
    expect(audit.text).toContain('webhook.create');
    expect(audit.text).toContain('webhook.delete');
  });
});
