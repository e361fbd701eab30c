import { randomBytes, randomUUID } from 'node:crypto';
import { QueueClient } from '@azure/storage-queue';
import { createTableClient } from '../../../shared/clients/storage';
import { DependencyError, NotFoundError } from '../../../shared/errors';
import { LimitReachedError } from '../../../shared/fair-use/limit-reached-error';
import { endRun } from '../../../shared/runs/end-run';
import { newRun, RunLifecycle } from '../../../shared/runs/run-lifecycle';
import { runMessageFormat } from '../../../shared/runs/run-schemas';
import { createRunStarter } from '../../../shared/runs/run-start';
import { RunStore } from '../../../shared/runs/run-store';

const storage = process.env.AzureWebJobsStorage ?? '';
const suffix = randomBytes(4).toString('hex');
const tenantId = `lifecycle-${suffix}`;
const connectionId = randomUUID();

describe('RunLifecycle (on the run’s Azurite)', () => {
  // queuedRun() is a manual run: its messages go to the on-demand queue.
  const queue = new QueueClient(storage, `export-runs-on-demand-${suffix}`);
  const scheduledQueue = new QueueClient(storage, `export-runs-${suffix}`);
  const table = createTableClient(
    { kind: 'connectionString', connectionString: storage },
    `lifecycle${suffix}`,
  );
  const store = new RunStore(table);
  const lines: { message: string; properties?: Record<string, unknown> }[] = [];
  const log = {
    info: (message: string, properties?: Record<string, unknown>) =>
      lines.push({ message, properties }),
  };
  const lifecycle = (runQueue = queue, activeRunsPerTenant = 10) =>
    new RunLifecycle(
      store,
      createRunStarter(store, table, { activeRunsPerTenant, activeRunsPerConnection: 10 }),
      { scheduled: scheduledQueue, onDemand: runQueue },
      log,
    );
  const queuedRun = (exportId: string = randomUUID()) =>
    newRun({
      exportId,
      trigger: 'manual',
      mode: 'delta',
      dryRun: false,
      segments: ['Newsletter'],
      now: new Date(),
    });

  async function messages(from = queue) {
    const { receivedMessageItems } = await from.receiveMessages({ numberOfMessages: 32 });
    for (const item of receivedMessageItems)
      await from.deleteMessage(item.messageId, item.popReceipt);
    return receivedMessageItems.map((item) =>
      runMessageFormat.parse(JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8'))),
    );
  }

  beforeAll(async () => {
    await Promise.all([queue.create(), scheduledQueue.create(), table.createTable()]);
  });
  beforeEach(() => {
    lines.length = 0;
  });
  afterAll(async () => {
    await Promise.all([queue.delete(), scheduledQueue.delete(), table.deleteTable()]);
  });

  describe('newRun', () => {
    it('starts every count at zero and pins only the snapshot versions it is given', () => {
      const run = newRun({
        exportId: randomUUID(),
        trigger: 'refresh',
        slot: '2026-12-01T04:00:00.000Z',
        mode: 'delta',
        dryRun: false,
        segments: ['Pinned', 'Loose'],
        snapshotEtags: new Map([['Pinned', '"0x1"']]),
        now: new Date('2026-12-01T04:01:00Z'),
      });
      expect(run).toMatchObject({
        status: 'queued',
        percentComplete: 0,
        createdAt: '2026-12-01T04:01:00.000Z',
        counts: { total: 0, added: 0, removed: 0, failed: 0 },
      });
      expect(run.segments.map((segment) => segment.snapshotEtag)).toEqual(['"0x1"', undefined]);
      expect('requestedBy' in run).toBe(false);
    });
  });

  describe('create', () => {
    it('writes the run holding its export and sends one message naming it, without a trace when none is active', async () => {
      const run = queuedRun();
      expect(await lifecycle().create(tenantId, run, { connectionId })).toBe('started');
      expect((await store.active(tenantId, run.exportId))?.id).toBe(run.id);
      expect(await messages()).toEqual([{ tenantId, exportId: run.exportId, runId: run.id }]);
    });

    it('queues a scheduled or refresh run on export-runs and an on-demand run on its own queue', async () => {
      const manual = queuedRun();
      const scheduled = { ...queuedRun(), trigger: 'schedule' as const };
      const refresh = { ...queuedRun(), trigger: 'refresh' as const };
      for (const run of [manual, scheduled, refresh])
        expect(await lifecycle().create(tenantId, run, { connectionId })).toBe('started');
      const ids = (sent: { runId: string }[]) => sent.map((message) => message.runId).sort();
      expect(ids(await messages())).toEqual([manual.id]);
      expect(ids(await messages(scheduledQueue))).toEqual([scheduled.id, refresh.id].sort());
    });

    it('writes nothing and sends nothing when the export already holds a run', async () => {
      const first = queuedRun();
      await lifecycle().create(tenantId, first, { connectionId });
      await messages();
      const second = queuedRun(first.exportId);
      expect(await lifecycle().create(tenantId, second, { connectionId })).toBe('conflict');
      expect(await store.get(tenantId, second.exportId, second.id)).toBeUndefined();
      expect(await messages()).toEqual([]);
    });

    it('returns the fair-use limit instead of starting the run', async () => {
      const outcome = await lifecycle(queue, 0).create(tenantId, queuedRun(), { connectionId });
      expect(outcome).toBeInstanceOf(LimitReachedError);
    });

    it('fails a run whose message cannot be sent, frees its export and logs how it ended', async () => {
      const missingQueue = new QueueClient(storage, `no-such-queue-${suffix}`);
      const run = queuedRun();
      await expect(lifecycle(missingQueue).create(tenantId, run, { connectionId })).rejects.toThrow(
        DependencyError,
      );
      expect(await store.get(tenantId, run.exportId, run.id)).toMatchObject({
        status: 'failed',
        error: { code: 'NotQueued' },
      });
      expect(await store.active(tenantId, run.exportId)).toBeUndefined();
      expect(lines).toEqual([
        {
          message: 'Run finished',
          properties: expect.objectContaining({
            exportId: run.exportId,
            runId: run.id,
            status: 'failed',
            errorCode: 'NotQueued',
          }) as unknown,
        },
      ]);
    });
  });

  describe('send', () => {
    it('sends a release for a confirmed run on the on-demand queue, whatever started the run', async () => {
      const run = { ...queuedRun(), trigger: 'schedule' as const };
      await lifecycle().send(tenantId, run, 'release');
      expect(await messages()).toEqual([
        { tenantId, exportId: run.exportId, runId: run.id, action: 'release' },
      ]);
      expect(await messages(scheduledQueue)).toEqual([]);
    });

    it('sends a scheduled run again on the queue it started on', async () => {
      const run = { ...queuedRun(), trigger: 'schedule' as const };
      await lifecycle().send(tenantId, run);
      expect(await messages(scheduledQueue)).toEqual([
        { tenantId, exportId: run.exportId, runId: run.id },
      ]);
      expect(await messages()).toEqual([]);
    });
  });

  describe('end', () => {
    it('ends an active run once: a second ending leaves it as it ended', async () => {
      const run = queuedRun();
      await lifecycle().create(tenantId, run, { connectionId });
      const ref = { tenantId, exportId: run.exportId, runId: run.id };
      const cancelled = await lifecycle().end(ref, { status: 'cancelled' });
      expect(cancelled.status).toBe('cancelled');
      expect(await store.active(tenantId, run.exportId)).toBeUndefined();
      const again = await lifecycle().end(ref, {
        status: 'failed',
        error: { code: 'Late', message: 'too late' },
      });
      expect(again).toMatchObject({ status: 'cancelled', finishedAt: cancelled.finishedAt });
      expect(again.error).toBeUndefined();
      expect(lines.map((line) => line.properties?.status)).toEqual(['cancelled']);
    });

    it('throws NotFoundError for a run that does not exist', async () => {
      const ref = { tenantId, exportId: randomUUID(), runId: randomUUID() };
      await expect(lifecycle().end(ref, { status: 'cancelled' })).rejects.toThrow(NotFoundError);
    });

    it('reads the run again when a worker saved it meanwhile, and ends what it read then', async () => {
      const run = queuedRun();
      await lifecycle().create(tenantId, run, { connectionId });
      // The first read is stale: a worker moves the run to planning before the ending is saved.
      let reads = 0;
      const racing = {
        get: async (...args: Parameters<RunStore['get']>) => {
          const read = await store.get(...args);
          if (reads++ === 0 && read) await store.save(tenantId, { ...read, status: 'planning' });
          return read;
        },
        finish: (...args: Parameters<RunStore['finish']>) => store.finish(...args),
      };
      const ended = await endRun(
        racing,
        log,
        { tenantId, exportId: run.exportId, runId: run.id },
        { status: 'failed', error: { code: 'PlanningFailed', message: 'gave up' } },
      );
      expect(reads).toBe(2);
      expect(ended).toMatchObject({ outcome: 'ended', run: { status: 'failed' } });
      expect(await store.active(tenantId, run.exportId)).toBeUndefined();
    });
  });
});
