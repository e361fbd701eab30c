import { tryFinalizeRun } from '../../../../shared/pipeline/ending/run-finalizer';
import { readRejections } from '../../../../shared/pipeline/run-rejections';
import { sendBatch } from '../../../../shared/pipeline/sending/batch-sender';
import type { BatchResult } from '../../../../shared/pipeline/run-progress';
import type { RunMessage } from '../../../../shared/runs/run-schemas';
import { PipelineWorld } from '../../../support/fakes/pipeline-world';

function result(overrides: Partial<BatchResult>): BatchResult {
  return {
    kind: 'subscribe',
    segment: 'Newsletter',
    succeeded: 0,
    rejected: 0,
    failed: 0,
    added: 0,
    updated: 0,
    removed: 0,
    hasFailures: false,
    ...overrides,
  };
}

async function sendAll(world: PipelineWorld): Promise<void> {
  for (const batch of world.takeBatchMessages()) await sendBatch(world.deps, batch);
}

async function record(world: PipelineWorld, message: RunMessage, batch: number, r: BatchResult) {
  const { tenantId, exportId, runId } = message;
  await world.deps.progress.recordBatch(tenantId, exportId, runId, batch, r);
}

describe('tryFinalizeRun', () => {
  it('sums the batch results into the run and segment counts once every batch is recorded', async () => {
    const world = new PipelineWorld();
    world.writeSnapshot('Newsletter', ['ann@example.com', 'bob@example.com']);
    world.writeSnapshot('Winback', ['cy@example.com']);
    const exportRecord = await world.addExport({ segments: ['Newsletter', 'Winback'] });
    const message = await world.queueRun(exportRecord);
    await world.plan(message);
    const { tenantId, exportId, runId } = message;

    await record(world, message, 0, result({ succeeded: 2, added: 2 }));
    await tryFinalizeRun(world.deps, tenantId, exportId, runId);
    expect((await world.run(message)).status).toBe('running');

    await record(world, message, 1, result({ segment: 'Winback', succeeded: 1, added: 1 }));
    await tryFinalizeRun(world.deps, tenantId, exportId, runId);

    const run = await world.run(message);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toEqual({
      total: 3,
      added: 3,
      updated: 0,
      unchanged: 0,
      removed: 0,
      rejected: 0,
      failed: 0,
      duplicates: 0,
    });
    expect(run.segments.map((segment) => [segment.name, segment.counts.added])).toEqual([
      ['Newsletter', 2],
      ['Winback', 1],
    ]);
  });

  it('commits the exported state less the members Iterable refused, and ends the run partial', async () => {
    const world = new PipelineWorld();
    world.writeSnapshot('Newsletter', ['ann@example.com', 'bob@example.com', 'cy@example.com']);
    const exportRecord = await world.addExport();
    const message = await world.queueRun(exportRecord);
    world.iterable.refused.set('bob@example.com', 'invalidEmail');
    await world.plan(message);

    await sendAll(world);

    const run = await world.run(message);
    expect(run.status).toBe('partiallySucceeded');
    expect(run.counts).toMatchObject({ added: 2, rejected: 1, failed: 0 });
    expect(await world.confirmedMembers(exportRecord.id, 'Newsletter')).toEqual([
      'ann@example.com',
      'cy@example.com',
    ]);
    // Not confirmed, Bob is sent again by the next run; the others are not.
    world.iterable.refused.clear();
    world.iterable.calls.length = 0;
    const next = await world.queueRun(exportRecord);
    await world.plan(next);
    await sendAll(world);
    expect(world.iterable.calls.map((call) => call.emails)).toEqual([['bob@example.com']]);
    expect((await world.run(next)).status).toBe('succeeded');
  });

  it("counts each segment's refused rows, Iterable's refusals and dropped duplicates", async () => {
    const world = new PipelineWorld();
    world.writeSnapshot('Newsletter', [
      'ann@example.com',
      'bob@example.com',
      'not-an-email',
      'ANN@example.com',
    ]);
    world.writeSnapshot('Winback', [
      'cy@example.com',
      'nobody',
      'dee@example.com',
      'dee@example.com',
    ]);
    const exportRecord = await world.addExport({ segments: ['Newsletter', 'Winback'] });
    const message = await world.queueRun(exportRecord);
    world.iterable.refused.set('cy@example.com', 'invalidEmail');
    await world.plan(message);
    await sendAll(world);

    const run = await world.run(message);
    const counts = (name: string) => run.segments.find((segment) => segment.name === name)?.counts;
    expect(counts('Newsletter')).toMatchObject({ total: 2, added: 2, rejected: 1, duplicates: 1 });
    expect(counts('Winback')).toMatchObject({ total: 2, added: 1, rejected: 2, duplicates: 1 });
    // The run's totals are the sums: two rows refused reading, one member refused by Iterable.
    expect(run.counts).toMatchObject({ total: 4, added: 3, rejected: 3, duplicates: 2 });
    // Each rejection names the segment its row came from, Iterable's refusals too.
    const { page } = await readRejections(world.deps.work, world.tenantId, message.runId, {
      offset: 0,
      top: 10,
    });
    expect(page).toEqual([
      { email: 'not-an-email', reason: 'invalidEmail', line: 4, segment: 'Newsletter' },
      { email: 'nobody', reason: 'invalidEmail', line: 3, segment: 'Winback' },
      { email: 'cy@example.com', reason: 'invalidEmail', segment: 'Winback' },
    ]);
  });

  it('ends the run failed when no batch got anything through', async () => {
    const world = new PipelineWorld();
    world.writeSnapshot('Newsletter', ['ann@example.com']);
    const exportRecord = await world.addExport();
    const message = await world.queueRun(exportRecord);
    await world.plan(message);
    const { tenantId, exportId, runId } = message;

    await record(world, message, 0, result({ failed: 1, hasFailures: true }));
    await tryFinalizeRun(world.deps, tenantId, exportId, runId);

    const run = await world.run(message);
    expect(run.status).toBe('failed');
    expect(run.counts.failed).toBe(1);
    // Ann was never confirmed: the export's state holds no one yet.
    expect(await world.confirmedMembers(exportRecord.id, 'Newsletter')).toEqual([]);
  });
});
