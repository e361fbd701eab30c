import { randomBytes, randomUUID } from 'node:crypto';
import { startAppStack, type AppStack } from '../support/app-stack';
import { RefreshFixtures, type RunView } from '../support/refresh-fixtures';

const tenant = `events-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };
const quietSeconds = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A blob-created event in the Event Grid schema, as a storage account's system topic sends it. */
function blobCreated(blob: string, eventTime: Date, { container = 'segments', type = '' } = {}) {
  return {
    id: randomUUID(),
    topic: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/seg',
    subject: `/blobServices/default/containers/${container}/blobs/${blob}`,
    eventType: type || 'Microsoft.Storage.BlobCreated',
    eventTime: eventTime.toISOString(),
    data: {
      api: 'PutBlob',
      blobType: 'BlockBlob',
      url: `https://seg.blob.core.windows.net/${container}/${encodeURI(blob)}`,
    },
    dataVersion: '',
    metadataVersion: '1',
  };
}

describe('refreshes from Event Grid blob-created events, through the local host', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let world: RefreshFixtures;
  let connectionId: string;
  /** The refresh export of segment Alpha, made by the first test. */
  let alphaId = '';

  beforeAll(async () => {
    stack = await startAppStack({
      apiKeys: [key],
      env: { SEGMENT_EVENTS_QUIET_SECONDS: String(quietSeconds) },
    });
    world = new RefreshFixtures(stack, admin);
    for (const [name, email] of [
      ['Alpha', 'ann@example.com'],
      ['Beta', 'bo@example.com'],
      ['Gamma', 'cy@example.com'],
      ['Delta', 'di@example.com'],
      ['Epsilon', 'ed@example.com'],
    ] as const) {
      await world.writeSegment(name, [email]);
    }
    connectionId = await world.connection(key);
  });
  afterAll(() => stack.stop());

  /** Posts events as Event Grid does: a Notification with an Event Grid schema array. */
  const deliver = async (events: unknown[], eventType = 'Notification') => {
    const response = await fetch(
      `${stack.url}/runtime/webhooks/eventgrid?functionName=segment-events`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'aeg-event-type': eventType },
        body: JSON.stringify(events),
      },
    );
    return { status: response.status, text: await response.text() };
  };

  /** Waits until the export has `count` runs and they have ended, newest first. */
  const settledRuns = async (exportId: string, count: number): Promise<RunView[]> => {
    for (let attempt = 0; attempt < 300; attempt++) {
      const runs = await world.runs(exportId);
      if (runs.length >= count) {
        return Promise.all(runs.map((run) => world.settledRun(exportId, run.id)));
      }
      await sleep(100);
    }
    throw new Error(`export ${exportId} did not get ${count} run(s)`);
  };

  /** Longer than the quiet window and the check's visibility delay, with room for the host. */
  const pastQuietWindow = () => sleep((quietSeconds + 3) * 1000);

  it('runs each refresh export using the segments once for a burst, on the last event time, and leaves custom and off exports alone', async () => {
    const alpha = await world.export(connectionId, 'Alpha');
    alphaId = alpha.id;
    const beta = await world.export(connectionId, 'Beta');
    const custom = await world.export(connectionId, 'Gamma', {
      mode: 'custom',
      cron: '0 0 1 1 *',
      timeZone: 'UTC',
    });
    const off = await world.export(connectionId, 'Delta', { mode: 'off' });
    const base = Date.now() - 30_000;
    const burst = [
      blobCreated(`${tenant}/Alpha.csv`, new Date(base)),
      blobCreated(`${tenant}/Beta.csv`, new Date(base + 1000)),
      blobCreated(`${tenant}/Gamma.csv`, new Date(base + 1500)),
      blobCreated(`${tenant}/Delta.csv`, new Date(base + 1800)),
      blobCreated(`${tenant}/Alpha.csv`, new Date(base + 2000)),
    ];
    for (const event of burst) {
      expect((await deliver([event])).status).toBe(202);
      await sleep(500);
    }
    // Nothing yet: the window starts again with each event.
    expect(await world.runs(alpha.id)).toEqual([]);

    const [alphaRun] = await settledRuns(alpha.id, 1);
    const [betaRun] = await settledRuns(beta.id, 1);
    const refreshedAt = new Date(base + 2000).toISOString();
    for (const run of [alphaRun, betaRun]) {
      expect(run).toMatchObject({ trigger: 'refresh', slot: refreshedAt, status: 'succeeded' });
    }
    expect(world.listMembers(alphaRun?.segments[0]?.listId ?? 0)).toEqual(['ann@example.com']);

    await pastQuietWindow();
    expect(await world.runs(alpha.id)).toHaveLength(1);
    expect(await world.runs(beta.id)).toHaveLength(1);
    expect(await world.runs(custom.id)).toEqual([]);
    expect(await world.runs(off.id)).toEqual([]);

    const audit = await stack.call('GET', 'audit', { as: admin });
    const entries = audit.json().value as Record<string, unknown>[];
    expect(entries).toContainEqual(
      expect.objectContaining({
        action: 'refresh.report',
        actor: 'event-grid',
        actorType: 'app',
        resourceId: refreshedAt,
      }),
    );
  });

  it('records a second burst on unchanged snapshots as skipped, and runs a rewritten one', async () => {
    const before = await world.runs(alphaId);
    expect((await deliver([blobCreated(`${tenant}/Alpha.csv`, new Date())])).status).toBe(202);
    const [skipped] = await settledRuns(alphaId, before.length + 1);
    expect(skipped).toMatchObject({
      trigger: 'refresh',
      status: 'skipped',
      skipReason: { code: 'SnapshotsUnchanged' },
    });

    await world.writeSegment('Alpha', ['ann@example.com', 'al@example.com']);
    expect((await deliver([blobCreated(`${tenant}/Alpha.csv`, new Date())])).status).toBe(202);
    const [rerun] = await settledRuns(alphaId, before.length + 2);
    expect(rerun).toMatchObject({
      trigger: 'refresh',
      status: 'succeeded',
      counts: { added: 1, unchanged: 1 },
    });
  });

  it('starts nothing for events of other containers, other types or blobs that are no snapshot', async () => {
    const epsilon = await world.export(connectionId, 'Epsilon');
    const now = new Date();
    const events = [
      blobCreated(`${tenant}/Epsilon.csv`, now, { container: 'other' }),
      blobCreated(`${tenant}/Epsilon.csv`, now, { type: 'Microsoft.Storage.BlobDeleted' }),
      blobCreated(`${tenant}/archive/Epsilon.csv`, now),
      blobCreated(`${tenant}/Epsilon.txt`, now),
      blobCreated('Epsilon.csv', now),
    ];
    const response = await deliver(events);
    expect(response.status).toBe(202);
    await pastQuietWindow();
    expect(await world.runs(epsilon.id)).toEqual([]);
  });

  it('answers the subscription validation handshake', async () => {
    const validationCode = randomUUID();
    const response = await deliver(
      [
        {
          id: randomUUID(),
          topic:
            '/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/seg',
          subject: '',
          eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
          eventTime: new Date().toISOString(),
          data: { validationCode, validationUrl: 'https://example.invalid/validate' },
          dataVersion: '2',
          metadataVersion: '1',
        },
      ],
      'SubscriptionValidation',
    );
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ validationResponse: validationCode });
  });
});
