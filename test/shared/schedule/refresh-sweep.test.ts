import { newTenant, ScheduleWorld } from '../../support/schedule-world';

const amsterdam = 'Europe/Amsterdam';

describe('RefreshSweep', () => {
  let world: ScheduleWorld;
  let tenant: string;
  let connection: string;

  beforeEach(async () => {
    world = await new ScheduleWorld().create();
    tenant = newTenant();
    connection = await world.addConnection(tenant);
  });
  afterEach(async () => {
    expect(world.errors).toEqual([]);
    await world.delete();
  });

  describe('which exports are due', () => {
    it('runs each due export once, at its slot, and leaves the others', async () => {
      // Saved at 02:00 in Amsterdam; the tenant refreshes at 06:00 there (04:00 UTC).
      await world.setTenantSchedule(tenant, '0 6 * * *', amsterdam);
      const refresh = await world.addExport(tenant, connection, { mode: 'refresh' });
      const at7 = await world.addExport(tenant, connection, {
        mode: 'custom',
        cron: '0 7 * * *',
        timeZone: amsterdam,
      });
      const quarterPast4Utc = await world.addExport(tenant, connection, {
        mode: 'custom',
        cron: '15 4 * * *',
        timeZone: 'UTC',
      });
      const off = await world.addExport(tenant, connection, { mode: 'off' });
      world.now = new Date('2025-05-01T04:02:00Z');
      const savedAfterSlot = await world.addExport(tenant, connection, { mode: 'refresh' });

      expect(await world.at('2025-05-01T04:05:00Z')).toMatchObject({ started: 1, exports: 5 });
      expect(await world.slots(tenant, refresh)).toEqual(['2025-05-01T04:00:00.000Z']);
      expect(await world.slots(tenant, at7)).toEqual([]);
      expect(await world.slots(tenant, quarterPast4Utc)).toEqual([]);
      expect(await world.slots(tenant, savedAfterSlot)).toEqual([]);

      await world.at('2025-05-01T04:20:00Z');
      expect(await world.slots(tenant, quarterPast4Utc)).toEqual(['2025-05-01T04:15:00.000Z']);
      await world.at('2025-05-01T05:05:00Z');
      expect(await world.slots(tenant, at7)).toEqual(['2025-05-01T05:00:00.000Z']);

      await world.finishActive(tenant, refresh);
      await world.at('2025-05-02T04:00:00Z');
      expect(await world.slots(tenant, refresh)).toEqual([
        '2025-05-01T04:00:00.000Z',
        '2025-05-02T04:00:00.000Z',
      ]);
      expect(await world.slots(tenant, savedAfterSlot)).toEqual(['2025-05-02T04:00:00.000Z']);
      expect(await world.slots(tenant, off)).toEqual([]);
    });

    it('queues a scheduled run with trigger schedule and its slot', async () => {
      const id = await world.addExport(tenant, connection, {
        mode: 'custom',
        cron: '30 * * * *',
        timeZone: 'UTC',
      });
      await world.at('2025-05-01T00:31:00Z');
      const [run, ...others] = await world.history(tenant, id);
      expect(others).toEqual([]);
      expect(run).toMatchObject({
        trigger: 'schedule',
        slot: '2025-05-01T00:30:00.000Z',
        status: 'queued',
        mode: 'delta',
        dryRun: false,
        createdAt: '2025-05-01T00:31:00.000Z',
        segments: [{ name: 'Newsletter' }],
      });
      expect(run?.requestedBy).toBeUndefined();
      expect(await world.queuedMessages()).toEqual([
        { tenantId: tenant, exportId: id, runId: run?.id, schemaVersion: 1 },
      ]);
    });

    it('runs refresh exports only once the tenant has a refresh schedule', async () => {
      const id = await world.addExport(tenant, connection, { mode: 'refresh' });
      expect(await world.at('2025-05-01T06:00:00Z')).toMatchObject({ exports: 1, started: 0 });
      await world.setTenantSchedule(tenant, '0 * * * *', 'UTC');
      await world.at('2025-05-01T07:00:00Z');
      expect(await world.slots(tenant, id)).toEqual(['2025-05-01T07:00:00.000Z']);
    });
  });

  describe('exactly once per slot', () => {
    it('creates one run per export when two timers fire at once, and none when fired again', async () => {
      await world.setTenantSchedule(tenant, '0 6 * * *', 'UTC');
      const ids: string[] = [];
      for (let index = 0; index < 12; index++) {
        ids.push(await world.addExport(tenant, connection, { mode: 'refresh' }));
      }
      world.now = new Date('2025-05-01T06:00:10Z');
      const reports = await Promise.all([world.fire(), world.fire()]);
      expect(reports.map((report) => report.started).reduce((a, b) => a + b)).toBe(12);
      for (const id of ids)
        expect(await world.slots(tenant, id)).toEqual(['2025-05-01T06:00:00.000Z']);

      world.now = new Date('2025-05-01T06:04:00Z');
      const again = await Promise.all([world.fire(), world.fire(), world.fire()]);
      expect(again.map((report) => report.started + report.skipped)).toEqual([0, 0, 0]);
      expect(await world.queuedMessages()).toHaveLength(12);
    });

    it('yields one catch-up run after a six-hour outage, not one per missed slot', async () => {
      world.now = new Date('2025-04-30T23:50:00Z');
      const id = await world.addExport(tenant, connection, {
        mode: 'custom',
        cron: '0 * * * *',
        timeZone: amsterdam,
      });
      await world.at('2025-05-01T00:00:30Z');
      await world.finishActive(tenant, id);
      // The timer is down from 00:05 to 06:10: slots 01:00 to 06:00 pass unseen.
      await world.at('2025-05-01T06:10:00Z');
      await world.at('2025-05-01T06:15:00Z');
      const history = await world.history(tenant, id);
      expect(history.map((run) => [run.slot, run.status])).toEqual([
        ['2025-05-01T00:00:00.000Z', 'succeeded'],
        ['2025-05-01T06:00:00.000Z', 'queued'],
      ]);
    });

    // Each case covers the local calendar day of the change: 23 hours in spring, 25 in autumn.
    it.each([
      [
        'Europe/Amsterdam',
        'spring forward',
        '30 2 * * *',
        '2025-03-29T23:00:00Z',
        23,
        '2025-03-30T01:00:00.000Z',
      ],
      [
        'Europe/Amsterdam',
        'fall back',
        '30 2 * * *',
        '2025-10-25T22:00:00Z',
        25,
        '2025-10-26T00:30:00.000Z',
      ],
      [
        'America/New_York',
        'spring forward',
        '30 2 * * *',
        '2025-03-09T05:00:00Z',
        23,
        '2025-03-09T07:00:00.000Z',
      ],
      [
        'America/New_York',
        'fall back',
        '30 1 * * *',
        '2025-11-02T04:00:00Z',
        25,
        '2025-11-02T05:30:00.000Z',
      ],
    ])(
      'in %s on the %s day, a daily time fires once and an hourly schedule every hour',
      async (zone, _change, dailyCron, dayStart, hours, dailySlot) => {
        world.now = new Date(Date.parse(dayStart) - 60_000);
        const daily = await world.addExport(tenant, connection, {
          mode: 'custom',
          cron: dailyCron,
          timeZone: zone,
        });
        const hourly = await world.addExport(tenant, connection, {
          mode: 'custom',
          cron: '0 * * * *',
          timeZone: zone,
        });
        const dayEnd = Date.parse(dayStart) + hours * 3_600_000;
        for (let time = Date.parse(dayStart); time < dayEnd; time += 10 * 60_000) {
          world.now = new Date(time);
          await world.fire();
        }
        expect(await world.slots(tenant, daily)).toEqual([dailySlot]);
        const hourlySlots = await world.slots(tenant, hourly);
        expect(hourlySlots).toHaveLength(hours);
        // Local hours skip or repeat, elapsed hours do not: one slot at each UTC hour.
        expect(hourlySlots.map((slot) => Date.parse(slot) - Date.parse(dayStart))).toEqual(
          Array.from({ length: hours }, (_, hour) => hour * 3_600_000),
        );
      },
    );
  });

  describe('skipped slots', () => {
    it('records a skip with its reason for a disabled export, a lost connection and an active run', async () => {
      await world.setTenantSchedule(tenant, '0 6 * * *', 'UTC');
      const disabled = await world.addExport(
        tenant,
        connection,
        { mode: 'refresh' },
        { enabled: false },
      );
      const gone = await world.addConnection(tenant);
      const orphan = await world.addExport(tenant, gone, { mode: 'refresh' });
      await world.deleteConnection(tenant, gone);
      const busy = await world.addExport(tenant, connection, {
        mode: 'custom',
        cron: '0 * * * *',
        timeZone: 'UTC',
      });
      await world.at('2025-05-01T05:00:00Z');
      const [busyRun] = await world.history(tenant, busy);

      const report = await world.at('2025-05-01T06:01:00Z');
      expect(report).toMatchObject({ started: 0, skipped: 3 });
      const reasons = async (id: string) =>
        (await world.history(tenant, id)).map((run) => [
          run.slot,
          run.status,
          run.skipReason?.code,
        ]);
      expect(await reasons(disabled)).toEqual([
        ['2025-05-01T06:00:00.000Z', 'skipped', 'ExportDisabled'],
      ]);
      expect(await reasons(orphan)).toEqual([
        ['2025-05-01T06:00:00.000Z', 'skipped', 'ConnectionNotFound'],
      ]);
      expect(await reasons(busy)).toEqual([
        ['2025-05-01T05:00:00.000Z', 'queued', undefined],
        ['2025-05-01T06:00:00.000Z', 'skipped', 'RunActive'],
      ]);
      const [, skip] = await world.history(tenant, busy);
      expect(skip?.skipReason?.message).toContain(busyRun?.id);
      expect(skip?.finishedAt).toBe('2025-05-01T06:01:00.000Z');

      // One record per slot: firing again in the same slot adds nothing.
      expect(await world.at('2025-05-01T06:05:00Z')).toMatchObject({ started: 0, skipped: 0 });
      await world.at('2025-05-02T06:00:00Z');
      expect(await reasons(disabled)).toHaveLength(2);
    });
  });

  describe('a run whose queue message was lost', () => {
    it('is queued again once it has waited 15 minutes, and only then', async () => {
      const every5 = await world.addExport(tenant, connection, {
        mode: 'custom',
        cron: '*/5 * * * *',
        timeZone: 'UTC',
      });
      await world.at('2025-05-01T05:00:00Z');
      const [run] = await world.history(tenant, every5);
      const queued = async () =>
        (await world.queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 1 }))
          .receivedMessageItems;
      // The process died before the message was sent: the run is queued, the queue is empty.
      await world.queue.clearMessages();

      await world.at('2025-05-01T05:10:30Z');
      expect(await queued()).toEqual([]);
      expect(world.warnings).toEqual([]);

      await world.at('2025-05-01T05:15:30Z');
      const [message] = await queued();
      expect(JSON.parse(Buffer.from(message!.messageText, 'base64').toString())).toEqual({
        tenantId: tenant,
        exportId: every5,
        runId: run!.id,
        schemaVersion: 1,
      });
      expect(world.warnings).toEqual([expect.stringContaining(run!.id)]);
      const slots = (await world.history(tenant, every5)).map((entry) => entry.skipReason?.code);
      // The slots at 05:10 and 05:15 (05:05 passed unseen: only the latest due slot counts).
      expect(slots).toEqual([undefined, 'RunActive', 'RunActive']);
    });
  });

  describe('paging', () => {
    it('looks at a bounded number of exports per invocation and goes on from there', async () => {
      const paged = await new ScheduleWorld({ pageSize: 2, exportsPerInvocation: 3 }).create();
      try {
        const tenants = [newTenant('a'), newTenant('b'), newTenant('c')];
        const ids: [string, string][] = [];
        for (const id of tenants) {
          const own = await paged.addConnection(id);
          await paged.setTenantSchedule(id, '0 6 * * *', 'UTC');
          for (let index = 0; index < 3; index++) {
            ids.push([id, await paged.addExport(id, own, { mode: 'refresh' })]);
          }
        }
        paged.now = new Date('2025-05-01T06:00:00Z');
        const reports = [];
        for (let invocation = 0; invocation < 4; invocation++) reports.push(await paged.fire());
        expect(reports.map((report) => report.exports)).toEqual([3, 3, 3, 3]);
        expect(reports.map((report) => report.started)).toEqual([3, 3, 3, 0]);
        expect(reports.map((report) => report.complete)).toEqual([false, false, false, true]);
        for (const [id, exportId] of ids) {
          expect(await paged.slots(id, exportId)).toEqual(['2025-05-01T06:00:00.000Z']);
        }
        expect(paged.errors).toEqual([]);
      } finally {
        await paged.delete();
      }
    });
  });
});
