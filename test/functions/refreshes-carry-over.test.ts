import { randomBytes } from 'node:crypto';
import { startAppStack, type AppStack } from '../support/app-stack';
import { RefreshFixtures, refreshTime, type RefreshOutcomeView } from '../support/refresh-fixtures';

const admin = { roles: ['Admin'], tid: `refresh-carry-${randomBytes(4).toString('hex')}` };

/**
 * Two refreshes reported while the first one's run is still queued. The planner is switched off
 * (as an operator can switch any function off), so runs stay queued for as long as the test needs.
 */
describe('a refresh reported while the last one is still queued, through the local host', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let world: RefreshFixtures;
  let connectionId: string;

  beforeAll(async () => {
    stack = await startAppStack({
      apiKeys: [key],
      env: { 'AzureWebJobs.plan-run.Disabled': 'true' },
    });
    world = new RefreshFixtures(stack, admin);
    connectionId = await world.connection(key);
  });
  afterAll(() => stack.stop());

  it('carries the queued run over to the newer refresh and its snapshot versions, instead of skipping it', async () => {
    await world.writeSegment('Queued', ['ann@example.com']);
    const exported = await world.export(connectionId, 'Queued');
    const first = await world.refresh({ refreshedAt: refreshTime() });
    const [started] = first.json().value as RefreshOutcomeView[];
    expect(started).toMatchObject({ outcome: 'started' });

    const rewritten = await world.writeSegment('Queued', ['ann@example.com', 'bo@example.com']);
    const later = refreshTime();
    const second = await world.refresh({ refreshedAt: later });
    const [carried] = second.json().value as RefreshOutcomeView[];
    expect(carried).toMatchObject({ outcome: 'started', runId: started?.runId, repeated: false });

    const [run, ...others] = await world.runs(exported.id);
    expect(others).toEqual([]);
    expect(run).toMatchObject({
      id: started?.runId,
      status: 'queued',
      trigger: 'refresh',
      slot: later,
      segments: [{ name: 'Queued', snapshotEtag: rewritten }],
    });
    // The newer refresh is claimed by that run: reporting it again answers the same.
    const again = await world.refresh({ refreshedAt: later });
    expect(again.json().value).toEqual([
      expect.objectContaining({ runId: started?.runId, repeated: true }),
    ]);
  });

  it('skips an older refresh reported after a newer one while the run is queued', async () => {
    await world.writeSegment('Late', ['cy@example.com']);
    const exported = await world.export(connectionId, 'Late');
    const older = refreshTime();
    const newer = refreshTime();
    const first = await world.refresh({ refreshedAt: newer, segments: ['Late'] });
    const [started] = first.json().value as RefreshOutcomeView[];
    const late = await world.refresh({ refreshedAt: older, segments: ['Late'] });
    expect(late.json().value).toEqual([
      expect.objectContaining({
        outcome: 'skipped',
        skipReason: expect.objectContaining({ code: 'RunActive' }) as unknown,
      }),
    ]);
    const [run] = (await world.runs(exported.id)).filter(
      (candidate) => candidate.id === started?.runId,
    );
    expect(run).toMatchObject({ slot: newer });
  });
});
