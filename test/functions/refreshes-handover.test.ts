import { randomBytes } from 'node:crypto';
import { fireRefreshTimer } from '../support/refresh-timer';
import { startAppStack, type AppStack } from '../support/app-stack';
import { RefreshFixtures, refreshTime, type RefreshOutcomeView } from '../support/refresh-fixtures';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const newTenant = (name: string) => ({
  roles: ['Admin'],
  tid: `${name}-${randomBytes(4).toString('hex')}`,
});

describe('refresh exports of a tenant whose platform reports refreshes, through the local host', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key] });
  });
  afterAll(() => stack.stop());

  it('leaves them to the refresh calls, while the timer still runs them for a tenant that never called', async () => {
    const reporting = new RefreshFixtures(stack, newTenant('reporting'));
    const silent = new RefreshFixtures(stack, newTenant('silent'));
    const exports: Record<string, string> = {};
    let lastSaved = 0;
    for (const [world, segment] of [
      [reporting, 'Weekly reporting'],
      [silent, 'Weekly silent'],
    ] as const) {
      // One Iterable project behind both connections: each list has one owning export.
      await world.writeSegment(segment, ['ann@example.com']);
      const schedule = await stack.call('PUT', 'schedule', {
        as: world.admin,
        // Every second, so a slot falls due right after the export is saved.
        body: { cron: '* * * * * *', timeZone: 'UTC' },
      });
      expect(schedule.status).toBe(200);
      const saved = await world.export(await world.connection(key), segment);
      exports[world.tenant] = saved.id;
      lastSaved = Math.max(lastSaved, Date.parse(saved.updatedAt));
    }
    const reportingExport = exports[reporting.tenant] ?? '';
    const silentExport = exports[silent.tenant] ?? '';
    const reported = await reporting.refresh({ refreshedAt: refreshTime() });
    const [entry] = reported.json().value as RefreshOutcomeView[];
    expect(entry).toMatchObject({ exportId: reportingExport, outcome: 'started' });
    await reporting.settledRun(reportingExport, entry?.runId ?? '');
    // Slots only count after the exports were saved: wait until the next whole second has begun.
    while (Date.now() < lastSaved + 1000) await sleep(50);

    await fireRefreshTimer(stack);

    const silentRuns = await silent.runs(silentExport);
    expect(silentRuns.map((run) => run.trigger)).toEqual(['schedule']);
    await silent.settledRun(silentExport, silentRuns[0]?.id ?? '');
    expect((await reporting.runs(reportingExport)).map((run) => run.trigger)).toEqual(['refresh']);

    // The schedule says which tenant's refresh exports follow the platform's reports.
    const shown = await stack.call('GET', 'schedule', { as: reporting.admin });
    expect(shown.json()).toMatchObject({
      cron: '* * * * * *',
      platformRefreshes: { lastRefreshedAt: expect.any(String) as unknown },
    });
    const silentSchedule = await stack.call('GET', 'schedule', { as: silent.admin });
    expect(silentSchedule.json()).not.toHaveProperty('platformRefreshes');
  });

  it('fails a run whose snapshot was rewritten after the refresh was reported, sending nothing', async () => {
    const world = new RefreshFixtures(stack, newTenant('pinned'));
    const reportedVersion = await world.writeSegment('Daily', [
      'ann@example.com',
      'bo@example.com',
    ]);
    const saved = await world.export(await world.connection(key), 'Daily');
    const sent = stack.iterable.stats().subscribersReceived;
    // Iterable fails for a while, so planning is put back after the refresh call: the platform
    // rewrites the snapshot meanwhile.
    stack.iterable.configure({ failNext: 1000, failStatus: 503 });
    try {
      const response = await world.refresh({ refreshedAt: refreshTime() });
      const [entry] = response.json().value as RefreshOutcomeView[];
      const pinned = await stack.call('GET', `exports/${saved.id}/runs/${entry?.runId}`, {
        as: world.admin,
      });
      expect(pinned.json()).toMatchObject({ segments: [{ snapshotEtag: reportedVersion }] });
      await stack.host.waitForOutput(/Run planning put back: Iterable failed for now/, 60_000);
      await world.writeSegment('Daily', ['cy@example.com']);
    } finally {
      stack.iterable.configure({ failNext: 0 });
    }
    const [run] = await world.runs(saved.id);
    const ended = await world.settledRun(saved.id, run?.id ?? '');
    expect(ended).toMatchObject({ status: 'failed', error: { code: 'SnapshotChanged' } });
    expect(ended.error?.message).toMatch(/after the refresh was reported/);
    expect(stack.iterable.stats().subscribersReceived).toBe(sent);
  });
});
