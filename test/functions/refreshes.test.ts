import { randomBytes } from 'node:crypto';
import { devPlatformAppId } from '../../local/dev-issuer';
import { startAppStack, type AppStack } from '../support/app-stack';
import { RefreshFixtures, refreshTime, type RefreshOutcomeView } from '../support/refresh-fixtures';

const tenant = `refreshes-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };

describe('POST /api/refreshes through the local host', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let world: RefreshFixtures;
  let connectionId: string;

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key] });
    world = new RefreshFixtures(stack, admin);
    await world.writeSegment('Alpha', ['ann@example.com', 'bo@example.com']);
    await world.writeSegment('Beta', ['cy@example.com']);
    await world.writeSegment('Gamma', ['di@example.com']);
    await world.writeSegment('Delta', ['ed@example.com']);
    connectionId = await world.connection(key);
  });
  afterAll(() => stack.stop());

  const outcomes = (body: Record<string, unknown>) => body.value as RefreshOutcomeView[];

  it('runs each refresh export once, leaves custom and off exports alone, and starts nothing new on a retry', async () => {
    const alpha = await world.export(connectionId, 'Alpha');
    const beta = await world.export(connectionId, 'Beta');
    const custom = await world.export(connectionId, 'Gamma', {
      mode: 'custom',
      cron: '0 0 1 1 *',
      timeZone: 'UTC',
    });
    const off = await world.export(connectionId, 'Delta', { mode: 'off' });
    const refreshedAt = refreshTime();

    const first = await world.refresh({ refreshedAt });
    expect(first.status).toBe(202);
    const started = outcomes(first.json());
    expect(started.map((entry) => entry.exportId).sort()).toEqual([alpha.id, beta.id].sort());
    for (const entry of started) {
      expect(entry).toMatchObject({ outcome: 'started', repeated: false });
      expect(entry.location).toBe(`${stack.url}/api/exports/${entry.exportId}/runs/${entry.runId}`);
    }
    const alphaRun = await world.settledRun(
      alpha.id,
      started.find((e) => e.exportId === alpha.id)!.runId!,
    );
    expect(alphaRun).toMatchObject({
      trigger: 'refresh',
      slot: refreshedAt,
      status: 'succeeded',
      counts: { total: 2, added: 2 },
    });
    expect(world.listMembers(alphaRun.segments[0]?.listId ?? 0)).toEqual([
      'ann@example.com',
      'bo@example.com',
    ]);

    const again = await world.refresh({ refreshedAt });
    expect(again.status).toBe(202);
    const repeated = outcomes(again.json());
    expect(repeated.map(({ exportId, runId }) => ({ exportId, runId })).sort(byExport)).toEqual(
      started.map(({ exportId, runId }) => ({ exportId, runId })).sort(byExport),
    );
    expect(repeated.every((entry) => entry.repeated && entry.outcome === 'started')).toBe(true);
    expect(await world.runs(alpha.id)).toHaveLength(1);
    expect(await world.runs(beta.id)).toHaveLength(1);
    expect(await world.runs(custom.id)).toEqual([]);
    expect(await world.runs(off.id)).toEqual([]);
  });

  it('runs only the exports using a segment the refresh names', async () => {
    const zeta = await world.writeSegment('Zeta', ['fay@example.com']);
    expect(zeta).not.toBe('');
    const only = await world.export(connectionId, 'Zeta');
    const response = await world.refresh({ refreshedAt: refreshTime(), segments: ['Zeta'] });
    expect(response.status).toBe(202);
    const [entry, ...others] = outcomes(response.json());
    expect(others).toEqual([]);
    expect(entry).toMatchObject({ exportId: only.id, outcome: 'started' });
    const run = await world.settledRun(only.id, entry!.runId!);
    expect(run.segments[0]?.snapshotEtag).toBe(zeta);
  });

  it('records a run on unchanged snapshots as skipped and sends nothing', async () => {
    await world.writeSegment('Eta', ['gus@example.com']);
    const eta = await world.export(connectionId, 'Eta');
    const first = outcomes(
      (await world.refresh({ refreshedAt: refreshTime(), segments: ['Eta'] })).json(),
    );
    expect((await world.settledRun(eta.id, first[0]!.runId!)).status).toBe('succeeded');
    const sent = stack.iterable.stats().subscribersReceived;

    const second = outcomes(
      (await world.refresh({ refreshedAt: refreshTime(), segments: ['Eta'] })).json(),
    );
    expect(second).toHaveLength(1);
    expect(second[0]).toMatchObject({
      exportId: eta.id,
      outcome: 'skipped',
      status: 'skipped',
      skipReason: { code: 'SnapshotsUnchanged' },
    });
    const [latest] = await world.runs(eta.id);
    expect(latest).toMatchObject({ trigger: 'refresh', status: 'skipped' });
    expect(latest?.skipReason?.code).toBe('SnapshotsUnchanged');
    expect(stack.iterable.stats().subscribersReceived).toBe(sent);

    // A rewritten snapshot runs again.
    await world.writeSegment('Eta', ['gus@example.com', 'hal@example.com']);
    const third = outcomes(
      (await world.refresh({ refreshedAt: refreshTime(), segments: ['Eta'] })).json(),
    );
    const run = await world.settledRun(eta.id, third[0]!.runId!);
    expect(run).toMatchObject({ status: 'succeeded', counts: { added: 1, unchanged: 1 } });
  });

  it("takes the platform app's report for the tenant it names, and skips an export whose connection is switched off", async () => {
    await world.writeSegment('Theta', ['ivy@example.com']);
    await world.writeSegment('Iota', ['jo@example.com']);
    const theta = await world.export(connectionId, 'Theta');
    const stopped = await world.connection(key, 'Switched off');
    const iota = await world.export(stopped, 'Iota');
    const disabled = await stack.call('PATCH', `connections/${stopped}`, {
      as: admin,
      body: { enabled: false },
    });
    expect(disabled.status).toBe(200);

    const response = await stack.call('POST', 'refreshes', {
      as: {
        tid: `platform-${tenant}`,
        oid: null,
        roles: ['Platform'],
        idtyp: 'app',
        azp: devPlatformAppId,
      },
      headers: { 'x-tenant-id': tenant },
      body: { refreshedAt: refreshTime(), segments: ['Theta', 'Iota'] },
    });
    expect(response.status).toBe(202);
    const byExport = new Map(outcomes(response.json()).map((entry) => [entry.exportId, entry]));
    expect(byExport.get(theta.id)).toMatchObject({ outcome: 'started' });
    expect(byExport.get(iota.id)).toMatchObject({
      outcome: 'skipped',
      skipReason: { code: 'ConnectionDisabled' },
    });
    const run = await world.settledRun(theta.id, byExport.get(theta.id)!.runId!);
    expect(run).toMatchObject({ trigger: 'refresh', status: 'succeeded' });
    const [skipped] = await world.runs(iota.id);
    expect(skipped).toMatchObject({
      status: 'skipped',
      skipReason: { code: 'ConnectionDisabled' },
    });
  });

  it('refuses Viewers and Contributors', async () => {
    for (const role of ['Viewer', 'Contributor']) {
      const response = await world.refresh(
        { refreshedAt: refreshTime() },
        { roles: [role], tid: tenant },
      );
      expect(response.status).toBe(403);
    }
  });

  it.each([
    ['a missing refreshedAt', {}, 'refreshedAt'],
    ['a refreshedAt that is no time', { refreshedAt: 'yesterday' }, 'refreshedAt'],
    [
      'a refreshedAt in the future',
      { refreshedAt: new Date(Date.now() + 3_600_000).toISOString() },
      'refreshedAt',
    ],
    [
      'a refreshedAt days ago',
      { refreshedAt: new Date(Date.now() - 3 * 86_400_000).toISOString() },
      'refreshedAt',
    ],
    ['an empty segments list', { refreshedAt: new Date().toISOString(), segments: [] }, 'segments'],
    ['an unknown field', { refreshedAt: new Date().toISOString(), force: true }, 'force'],
  ])('answers 400 naming the field for %s', async (_case, body, target) => {
    const response = await world.refresh(body);
    expect(response.status).toBe(400);
    expect((response.json().error as { target?: string }).target).toBe(target);
  });
});

function byExport(a: { exportId: string }, b: { exportId: string }): number {
  return a.exportId.localeCompare(b.exportId);
}
