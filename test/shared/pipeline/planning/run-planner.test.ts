import { planRun } from '../../../../shared/pipeline/planning/run-planner';
import { sendBatch } from '../../../../shared/pipeline/sending/batch-sender';
import { batchBlobName } from '../../../../shared/work-blobs';
import type { RunMessage } from '../../../../shared/runs/run-schemas';
import { PipelineWorld } from '../../../support/fakes/pipeline-world';

/** Sends every batch the queue holds, as the batch workers would, until none is left. */
async function sendQueuedBatches(world: PipelineWorld): Promise<void> {
  for (let messages = world.takeBatchMessages(); messages.length;) {
    for (const message of messages) await sendBatch(world.deps, message);
    messages = world.takeBatchMessages();
  }
}

async function plannedRun(world: PipelineWorld, message: RunMessage) {
  await planRun(world.deps, message);
  return world.run(message);
}

describe('planRun', () => {
  it('writes a full run of a small segment as one batch and moves the run to running', async () => {
    const world = new PipelineWorld();
    world.writeSnapshot('Newsletter', ['ann@example.com', 'Bob@Example.com', 'cy@example.com']);
    const exportRecord = await world.addExport();
    const message = await world.queueRun(exportRecord, { mode: 'full' });

    const run = await plannedRun(world, message);

    expect(run.status).toBe('running');
    expect(run.batchCount).toBe(1);
    expect(run.counts).toMatchObject({ total: 3, added: 3, removed: 0, rejected: 0 });
    const [batch, ...others] = world.takeBatchMessages();
    expect(others).toEqual([]);
    expect(batch).toMatchObject({ batch: 0, kind: 'subscribe', segment: 'Newsletter', size: 3 });
    expect(batch?.listId).toBe([...world.iterable.lists.keys()][0]);
    const body = world.work.text(batchBlobName(world.tenantId, message.runId, 0));
    expect(JSON.parse(body ?? '[]')).toEqual([
      { email: 'ann@example.com', dataFields: {} },
      { email: 'bob@example.com', dataFields: {} },
      { email: 'cy@example.com', dataFields: {} },
    ]);
    // Planning sends nothing itself: the batches do.
    expect(world.iterable.calls).toEqual([]);
  });

  it('sends a delta run only the new and changed members, and removes those who left', async () => {
    const world = new PipelineWorld();
    const header = 'email,first_name';
    world.writeSnapshot(
      'Newsletter',
      ['ann@example.com,Ann', 'bob@example.com,Bob', 'cy@example.com,Cy'],
      header,
    );
    const exportRecord = await world.addExport({ dataFields: { firstName: 'first_name' } });
    const first = await world.queueRun(exportRecord);
    await planRun(world.deps, first);
    await sendQueuedBatches(world);
    expect((await world.run(first)).status).toBe('succeeded');
    world.iterable.calls.length = 0;

    // Bob is renamed, Cy left, Dee joined; Ann is as she was.
    world.writeSnapshot(
      'Newsletter',
      ['ann@example.com,Ann', 'bob@example.com,Robert', 'dee@example.com,Dee'],
      header,
    );
    const second = await world.queueRun(exportRecord);
    const run = await plannedRun(world, second);

    expect(run.status).toBe('running');
    expect(run.counts).toMatchObject({ total: 3, added: 1, updated: 1, unchanged: 1, removed: 1 });
    await sendQueuedBatches(world);
    expect(world.iterable.calls.map(({ operation, emails }) => ({ operation, emails }))).toEqual([
      { operation: 'subscribe', emails: ['bob@example.com', 'dee@example.com'] },
      { operation: 'unsubscribe', emails: ['cy@example.com'] },
    ]);
    expect(world.iterable.membersOf('Newsletter')).toEqual([
      'ann@example.com',
      'bob@example.com',
      'dee@example.com',
    ]);
  });

  it('fails the run with the missing snapshot named, and writes no batch', async () => {
    const world = new PipelineWorld();
    world.writeSnapshot('Newsletter', ['ann@example.com']);
    const exportRecord = await world.addExport({ segments: ['Newsletter', 'Winback'] });
    const message = await world.queueRun(exportRecord);

    const run = await plannedRun(world, message);

    expect(run.status).toBe('failed');
    expect(run.error).toEqual({ code: 'NotFound', message: 'Segment "Winback" was not found.' });
    expect(world.batchQueue.sent).toEqual([]);
    expect(world.iterable.lists.size).toBe(0);
  });

  it('puts planning back with a delay when Iterable throttles, and plans it on the next delivery', async () => {
    const world = new PipelineWorld();
    world.writeSnapshot('Newsletter', ['ann@example.com']);
    const exportRecord = await world.addExport();
    const message = await world.queueRun(exportRecord);
    world.iterable.failNext('throttled', 40_000);

    const waiting = await plannedRun(world, message);

    expect(waiting.status).toBe('queued');
    // A manual run comes back on the on-demand queue, never behind scheduled runs.
    expect(world.runQueue.sent).toEqual([]);
    const [again, ...others] = world.onDemandRunQueue.take();
    expect(others).toEqual([]);
    expect(again?.body).toMatchObject({ runId: message.runId, attempt: 1 });
    // Iterable's Retry-After is longer than the backoff of a first attempt: it wins.
    expect(again?.visibilityTimeout).toBe(40);
    expect(world.batchQueue.sent).toEqual([]);

    const run = await plannedRun(world, { ...message, attempt: 1 });
    expect(run.status).toBe('running');
    expect(world.takeBatchMessages()).toHaveLength(1);
  });

  it('fails the run once planning was put back as often as it may be', async () => {
    const world = new PipelineWorld();
    world.writeSnapshot('Newsletter', ['ann@example.com']);
    const exportRecord = await world.addExport();
    const message = await world.queueRun(exportRecord);
    world.iterable.failNext('transient');

    const run = await plannedRun(world, { ...message, attempt: 8 });

    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('DependencyFailed');
    expect(world.runQueue.sent).toEqual([]);
    expect(world.onDemandRunQueue.sent).toEqual([]);
  });

  it('puts a scheduled run back on the queue scheduled runs wait in', async () => {
    const world = new PipelineWorld();
    world.writeSnapshot('Newsletter', ['ann@example.com']);
    const exportRecord = await world.addExport();
    const message = await world.queueRun(exportRecord, { trigger: 'schedule' });
    world.iterable.failNext('throttled', 40_000);

    expect((await plannedRun(world, message)).status).toBe('queued');
    expect(world.onDemandRunQueue.sent).toEqual([]);
    expect(world.runQueue.take().map((sent) => sent.body)).toMatchObject([
      { runId: message.runId, attempt: 1 },
    ]);
  });
});
