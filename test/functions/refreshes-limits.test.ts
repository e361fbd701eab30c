import { randomBytes } from 'node:crypto';
import { startAppStack, type AppStack } from '../support/app-stack';
import { RefreshFixtures, refreshTime, type RefreshOutcomeView } from '../support/refresh-fixtures';

const admin = { roles: ['Admin'], tid: `refresh-limits-${randomBytes(4).toString('hex')}` };

describe('a refresh under an active run and a fair-use limit, through the local host', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;

  beforeAll(async () => {
    stack = await startAppStack({
      apiKeys: [key],
      env: { MAX_ACTIVE_RUNS_PER_TENANT: '1' },
    });
  });
  afterAll(() => stack.stop());

  it('skips the export holding a run, defers the one the limit holds back, and starts it when the same refresh is reported again', async () => {
    const world = new RefreshFixtures(stack, admin);
    await world.writeSegment('Busy', ['ann@example.com']);
    await world.writeSegment('Waiting', ['bo@example.com']);
    const connectionId = await world.connection(key);
    const busy = await world.export(connectionId, 'Busy');
    const waiting = await world.export(connectionId, 'Waiting');
    const refreshedAt = refreshTime();
    // Iterable fails for a while: the manual run of `busy` stays queued, holding the tenant's seat.
    stack.iterable.configure({ failNext: 1000, failStatus: 503 });
    let manualRunId: string;
    let first: RefreshOutcomeView[];
    try {
      const manual = await stack.call('POST', `exports/${busy.id}/runs`, { as: admin, body: {} });
      expect(manual.status).toBe(202);
      manualRunId = manual.json().id as string;
      first = (await world.refresh({ refreshedAt })).json().value as RefreshOutcomeView[];
    } finally {
      stack.iterable.configure({ failNext: 0 });
    }
    const byExport = (outcomes: RefreshOutcomeView[], id: string) =>
      outcomes.find((outcome) => outcome.exportId === id);
    expect(byExport(first, busy.id)).toMatchObject({
      outcome: 'skipped',
      skipReason: { code: 'RunActive' },
    });
    expect(byExport(first, waiting.id)).toMatchObject({
      outcome: 'deferred',
      error: { code: 'TenantActiveRunLimit' },
    });
    expect(byExport(first, waiting.id)?.runId).toBeUndefined();
    expect(await world.runs(waiting.id)).toEqual([]);

    await world.settledRun(busy.id, manualRunId);
    const again = (await world.refresh({ refreshedAt })).json().value as RefreshOutcomeView[];
    expect(byExport(again, busy.id)).toMatchObject({
      outcome: 'skipped',
      repeated: true,
      runId: byExport(first, busy.id)?.runId,
    });
    const started = byExport(again, waiting.id);
    expect(started).toMatchObject({ outcome: 'started', repeated: false });
    const run = await world.settledRun(waiting.id, started?.runId ?? '');
    expect(run).toMatchObject({ trigger: 'refresh', slot: refreshedAt, status: 'succeeded' });
  });
});
