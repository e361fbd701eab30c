import { randomBytes, randomUUID } from 'node:crypto';
import { fireRefreshTimer } from '../support/refresh-timer';
import { startAppStack, type AppStack } from '../support/app-stack';
import { RefreshFixtures, type RunView } from '../support/refresh-fixtures';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a tenant whose snapshots raise blob-created events, through the local host', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key], env: { SEGMENT_EVENTS_QUIET_SECONDS: '1' } });
  });
  afterAll(() => stack.stop());

  const deliver = async (blob: string) => {
    const response = await fetch(
      `${stack.url}/runtime/webhooks/eventgrid?functionName=segment-events`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
        body: JSON.stringify([
          {
            id: randomUUID(),
            topic:
              '/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/seg',
            subject: `/blobServices/default/containers/segments/blobs/${blob}`,
            eventType: 'Microsoft.Storage.BlobCreated',
            eventTime: new Date().toISOString(),
            data: { api: 'PutBlob', url: `https://seg.blob.core.windows.net/segments/${blob}` },
            dataVersion: '',
            metadataVersion: '1',
          },
        ]),
      },
    );
    expect(response.status).toBe(202);
  };

  const firstRun = async (world: RefreshFixtures, exportId: string): Promise<RunView> => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const [run] = await world.runs(exportId);
      if (run) return world.settledRun(exportId, run.id);
      await sleep(100);
    }
    throw new Error(`export ${exportId} did not run`);
  };

  it('hands its refresh exports over from the timer, as a refresh call does', async () => {
    const world = new RefreshFixtures(stack, {
      roles: ['Admin'],
      tid: `handover-${randomBytes(4).toString('hex')}`,
    });
    await world.writeSegment('Weekly', ['ann@example.com']);
    const schedule = await stack.call('PUT', 'schedule', {
      as: world.admin,
      // Every second, so a slot falls due right after the export is saved.
      body: { cron: '* * * * * *', timeZone: 'UTC' },
    });
    expect(schedule.status).toBe(200);
    const saved = await world.export(await world.connection(key), 'Weekly');

    await deliver(`${world.tenant}/Weekly.csv`);
    const run = await firstRun(world, saved.id);
    expect(run).toMatchObject({ trigger: 'refresh', status: 'succeeded' });
    while (Date.now() < Date.parse(saved.updatedAt) + 1000) await sleep(50);

    await fireRefreshTimer(stack);
    expect((await world.runs(saved.id)).map((entry) => entry.trigger)).toEqual(['refresh']);
  });
});
