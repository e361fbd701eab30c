import { randomUUID } from 'node:crypto';
import { peekAll, queueClient, takeMessages, uniqueQueueName } from '../../support/queues';
import { startHostProcess, type HostProcess } from '../../support/host-process';

interface Observation {
  function: string;
  event: { id: string; subject: string; eventType?: string; type?: string };
}

function blobCreated(blob: string) {
  return {
    id: randomUUID(),
    topic: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a',
    subject: `/blobServices/default/containers/segments/blobs/${blob}`,
    eventType: 'Microsoft.Storage.BlobCreated',
    eventTime: new Date().toISOString(),
    data: { api: 'PutBlob', url: `https://a.blob.core.windows.net/segments/${blob}` },
    dataVersion: '',
    metadataVersion: '1',
  };
}

describe('local host: Event Grid triggers', () => {
  let host: HostProcess;
  const observeQueue = uniqueQueueName('observe');

  beforeAll(async () => {
    await queueClient(observeQueue).create();
    host = await startHostProcess({
      entry: 'dist/test/local/host/apps/event-grid-app.js',
      env: { OBSERVE_QUEUE: observeQueue },
    });
  });
  afterAll(() => host.stop());

  const post = async (query: string, eventType: string | undefined, body: unknown) => {
    const response = await fetch(`${host.url}/runtime/webhooks/eventgrid${query}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(eventType ? { 'aeg-event-type': eventType } : {}),
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  };
  const observed = async (count: number) =>
    (await takeMessages(queueClient(observeQueue), count)).map(
      (text) => JSON.parse(text) as Observation,
    );

  it('invokes the function once per event of an Event Grid schema array and answers 202', async () => {
    const events = [blobCreated('t1/a.csv'), blobCreated('t1/b.csv')];
    const response = await post('?functionName=blobEvents', 'Notification', events);
    expect(response.status).toBe(202);
    const seen = await observed(2);
    expect(seen.map((o) => o.event.id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(seen[0]).toMatchObject({
      function: 'blobEvents',
      event: { eventType: events[0]?.eventType },
    });
  });

  it('takes one CloudEvents schema object as one event', async () => {
    const cloudEvent = {
      specversion: '1.0',
      id: randomUUID(),
      type: 'Microsoft.Storage.BlobCreated',
      source: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a',
      subject: '/blobServices/default/containers/segments/blobs/t1/c.csv',
      time: new Date().toISOString(),
      data: { url: 'https://a.blob.core.windows.net/segments/t1/c.csv' },
    };
    const response = await post('?functionName=blobEvents', 'Notification', cloudEvent);
    expect(response.status).toBe(202);
    expect((await observed(1))[0]?.event).toMatchObject({
      id: cloudEvent.id,
      type: cloudEvent.type,
    });
  });

  it('answers 500 with the failure when an event fails, so Event Grid delivers again', async () => {
    const response = await post('?functionName=blobEvents', 'Notification', [
      blobCreated('t1/fail.csv'),
    ]);
    expect(response.status).toBe(500);
    expect(response.text).toContain('this event always fails');
  });

  it('answers the subscription validation handshake with the validation code', async () => {
    const code = randomUUID();
    const response = await post('?functionName=blobEvents', 'SubscriptionValidation', [
      {
        id: randomUUID(),
        eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
        subject: '',
        eventTime: new Date().toISOString(),
        data: { validationCode: code, validationUrl: 'https://example.invalid/validate' },
        dataVersion: '2',
      },
    ]);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ validationResponse: code });
  });

  it('answers 404 for an unknown function name, matched case-sensitively as the extension does', async () => {
    for (const query of ['?functionName=BlobEvents', '?functionName=nope', '']) {
      const response = await post(query, 'Notification', [blobCreated('t1/x.csv')]);
      expect(response.status).toBe(404);
      expect(response.text).toMatch(/^cannot find function: '/);
    }
    expect((await post('', undefined, [])).status).toBe(404);
    const other = await fetch(`${host.url}/runtime/webhooks/servicebus?functionName=blobEvents`, {
      method: 'POST',
    });
    expect(other.status).toBe(404);
  });

  it('answers 400 without a known aeg-event-type, 202 for Unsubscribe, and invokes nothing', async () => {
    const events = [blobCreated('t1/y.csv')];
    expect((await post('?functionName=blobEvents', undefined, events)).status).toBe(400);
    expect((await post('?functionName=blobEvents', 'Other', events)).status).toBe(400);
    expect((await post('?functionName=blobEvents', 'Unsubscribe', events)).status).toBe(202);
    expect(await peekAll(queueClient(observeQueue))).toEqual([]);
  });
});
