import { randomBytes } from 'node:crypto';
import { createSecretClient } from '../../shared/clients/key-vault';
import { connectionSecretName } from '../../shared/connections/connection-secrets';
import { activeStatuses, type RunStatus } from '../../shared/runs/run-schemas';
import { startAppStack, type AppStack } from '../support/app-stack';
import { KillSwitchWorld, sleep } from '../support/kill-switch-world';

/** Every second: a slot falls due right after an export is saved. */
const everySecond = { mode: 'custom', cron: '* * * * * *', timeZone: 'UTC' };
const bigSegment = 20_000;

describe('the connection kill switch through the local host', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let world: KillSwitchWorld;

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key] });
    world = new KillSwitchWorld(stack, key);
  });
  afterAll(() => stack.stop());

  describe('PATCH /api/connections/{id} enabled', () => {
    let connection: { id: string; displayName: string };
    let exportId: string;

    beforeAll(async () => {
      connection = await world.connection();
      exportId = await world.export(connection.id, bigSegment);
    });

    it('shows a new connection as enabled', async () => {
      const response = await world.call('GET', `connections/${connection.id}`);
      expect(response.json()).toMatchObject({ id: connection.id, enabled: true });
    });

    it('cancels a sending run when disabled, and nothing more is sent', async () => {
      const runId = await world.sendingRun(exportId);
      const disabled = await world.call('PATCH', `connections/${connection.id}`, {
        enabled: false,
      });
      expect(disabled.status).toBe(200);
      expect(disabled.json()).toMatchObject({ enabled: false });
      expect(await world.run(exportId, runId)).toMatchObject({
        status: 'cancelled',
        error: { code: 'ConnectionDisabled' },
      });
      // Requests already on their way may land; after that, nothing.
      await sleep(2000);
      const settled = stack.iterable.stats().subscribersReceived;
      await sleep(4000);
      expect(stack.iterable.stats().subscribersReceived).toBe(settled);
      expect(settled).toBeLessThan(bigSegment);
      expect(await world.run(exportId, runId)).toMatchObject({ status: 'cancelled' });
    });

    it('fails a run queued before the switch that is planned after it, sending nothing (saving an export on a disabled connection is allowed)', async () => {
      const queuedBefore = await world.exportOf(connection.id, 50);
      const runId = await world.queueRunAsIfBefore(
        { exportId: queuedBefore.id, connectionId: connection.id, segment: queuedBefore.segment },
        2,
      );
      const sent = stack.iterable.stats().subscribersReceived;
      await world.until(
        async () => (await world.run(queuedBefore.id, runId)).status !== 'queued',
        'planning',
      );
      await world.until(
        async () =>
          !activeStatuses.has((await world.run(queuedBefore.id, runId)).status as RunStatus),
        'the run to end',
        60_000,
      );
      expect(await world.run(queuedBefore.id, runId)).toMatchObject({
        status: 'failed',
        error: { code: 'ConnectionDisabled' },
      });
      expect(stack.iterable.stats().subscribersReceived).toBe(sent);
    });

    it('refuses a run with 409 naming the connection while disabled, and accepts one once enabled', async () => {
      const refused = await world.call('POST', `exports/${exportId}/runs`, {});
      expect(refused.status).toBe(409);
      expect(refused.headers.get('x-ms-error-code')).toBe('ConnectionDisabled');
      expect(refused.json().error).toMatchObject({ code: 'ConnectionDisabled' });
      expect(JSON.stringify(refused.json())).toContain(connection.displayName);

      const enabled = await world.call('PATCH', `connections/${connection.id}`, { enabled: true });
      expect(enabled.json()).toMatchObject({ enabled: true });
      const accepted = await world.call('POST', `exports/${exportId}/runs`, {});
      expect(accepted.status).toBe(202);
      await world.call('POST', `exports/${exportId}/runs/${String(accepted.json().id)}/cancel`);
    });

    it('records the audit of both switches, with the run cancelled', async () => {
      const entries = (await world.audit()).filter((entry) => entry.resourceId === connection.id);
      const disable = entries.find((entry) => entry.action === 'connection.disable');
      expect(disable?.changes).toMatchObject({
        enabled: { from: true, to: false },
        runsCancelled: [{ exportId }],
      });
      expect(entries.map((entry) => entry.action)).toContain('connection.enable');
    });

    it('does not let a Contributor disable the connection', async () => {
      const contributor = { roles: ['Contributor'], tid: world.tenant };
      const response = await world.call(
        'PATCH',
        `connections/${connection.id}`,
        { enabled: false },
        contributor,
      );
      expect([403, 404]).toContain(response.status);
      expect((await world.call('GET', `connections/${connection.id}`)).json().enabled).toBe(true);
    });

    it('records a due scheduled slot as skipped with ConnectionDisabled', async () => {
      const scheduled = await world.export(connection.id, 10, everySecond);
      await world.call('PATCH', `connections/${connection.id}`, { enabled: false });
      await sleep(1100);
      await world.fireTimer();
      const runs = await world.runs(scheduled);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({
        trigger: 'schedule',
        status: 'skipped',
        skipReason: { code: 'ConnectionDisabled' },
      });
      await world.call('PATCH', `connections/${connection.id}`, { enabled: true });
    });
  });

  describe('DELETE /api/connections/{id}', () => {
    let connection: { id: string; displayName: string };
    let sending: string;
    let idle: string;

    beforeAll(async () => {
      connection = await world.connection();
      sending = await world.export(connection.id, bigSegment, everySecond);
      idle = await world.export(connection.id, 10, everySecond);
    });

    it('answers 409 while exports use it, and the message tells about force', async () => {
      const response = await world.call('DELETE', `connections/${connection.id}`);
      expect(response.status).toBe(409);
      expect(response.json().error).toMatchObject({
        code: 'Conflict',
        message: expect.stringContaining('?force=true') as unknown,
      });
    });

    it('refuses a force value other than true or false with 400', async () => {
      const response = await world.call('DELETE', `connections/${connection.id}?force=maybe`);
      expect(response.status).toBe(400);
      expect((await world.call('GET', `connections/${connection.id}`)).status).toBe(200);
    });

    it('with force=true stops the runs, removes the schedules, the connection and its secret', async () => {
      const runId = await world.sendingRun(sending);
      const response = await world.call('DELETE', `connections/${connection.id}?force=true`);
      expect(response.status).toBe(204);

      expect((await world.call('GET', `connections/${connection.id}`)).status).toBe(404);
      const secrets = createSecretClient(stack.vault.url);
      const name = connectionSecretName(world.tenant, connection.id);
      await expect(secrets.getSecret(name)).rejects.toMatchObject({ statusCode: 404 });
      expect(await world.run(sending, runId)).toMatchObject({
        status: 'cancelled',
        error: { code: 'ConnectionDeleted' },
      });
      for (const exportId of [sending, idle]) {
        const exported = (await world.call('GET', `exports/${exportId}`)).json();
        expect(exported).toMatchObject({ connectionId: connection.id, schedule: { mode: 'off' } });
      }
    });

    it('leaves the exports to the timer no more, and refuses their runs until moved', async () => {
      const before = { sending: await world.runs(sending), idle: await world.runs(idle) };
      await sleep(1100);
      await world.fireTimer();
      expect(await world.runs(sending)).toEqual(before.sending);
      expect(await world.runs(idle)).toEqual(before.idle);

      const refused = await world.call('POST', `exports/${idle}/runs`, {});
      expect(refused.status).toBe(409);
      expect(refused.json().error).toMatchObject({ code: 'ConnectionNotFound' });
      const other = await world.connection(100);
      const moved = await world.call('PATCH', `exports/${idle}`, { connectionId: other.id });
      expect(moved.status).toBe(200);
      expect((await world.call('POST', `exports/${idle}/runs`, {})).status).toBe(202);
    });

    it('audits the force-delete with the runs cancelled and the schedules removed', async () => {
      const entries = await world.audit();
      const ofConnection = entries.filter((entry) => entry.resourceId === connection.id);
      expect(ofConnection.map((entry) => entry.action)).toEqual(
        expect.arrayContaining(['connection.disable', 'connection.delete']),
      );
      const deleted = ofConnection.find((entry) => entry.action === 'connection.delete');
      expect(deleted?.changes).toMatchObject({
        force: true,
        runsCancelled: [{ exportId: sending }],
        schedulesRemoved: expect.arrayContaining([sending, idle]) as unknown,
      });
      const unscheduled = entries.filter(
        (entry) =>
          entry.action === 'export.update' &&
          [sending, idle].includes(entry.resourceId) &&
          entry.changes.reason !== undefined,
      );
      expect(unscheduled).toHaveLength(2);
      expect(unscheduled[0]?.changes).toMatchObject({ schedule: { to: { mode: 'off' } } });
      expect(entries.some((entry) => entry.action === 'run.cancel')).toBe(true);
      expect(JSON.stringify(entries)).not.toContain(key);
    });
  });
});
