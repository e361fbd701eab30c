import { endRun } from '../../../../shared/pipeline/ending/run-ending';
import { failuresBlobName } from '../../../../shared/work-blobs';
import { sendBatch } from '../../../../shared/pipeline/sending/batch-sender';
import { PipelineWorld } from '../../../support/fakes/pipeline-world';

/** A world with one export of the given segments and a run of it planned, its batches queued. */
async function plannedWorld(segments: Record<string, string[]>) {
  const world = new PipelineWorld();
  for (const [segment, emails] of Object.entries(segments)) world.writeSnapshot(segment, emails);
  const exportRecord = await world.addExport({ segments: Object.keys(segments) });
  const message = await world.queueRun(exportRecord);
  await world.plan(message);
  return { world, message, batches: world.takeBatchMessages() };
}

describe('sendBatch', () => {
  it('sends a batch to its list and records what Iterable confirmed', async () => {
    const { world, message, batches } = await plannedWorld({
      Newsletter: ['ann@example.com', 'bob@example.com'],
      Winback: ['cy@example.com'],
    });
    const [first] = batches;

    await sendBatch(world.deps, first!);

    expect(world.iterable.calls).toEqual([
      {
        operation: 'subscribe',
        listId: first!.listId,
        emails: ['ann@example.com', 'bob@example.com'],
      },
    ]);
    const { tenantId, exportId, runId } = message;
    expect(await world.deps.progress.batchRecorded(tenantId, exportId, runId, 0)).toBe(true);
    expect(await world.deps.progress.results(tenantId, exportId, runId)).toEqual([
      expect.objectContaining({ batch: 0, segment: 'Newsletter', succeeded: 2, added: 2 }),
    ]);
    // One batch of two is recorded: the run goes on.
    expect((await world.run(message)).status).toBe('running');
  });

  it('keeps the members Iterable refused in the batch failure list', async () => {
    const { world, message, batches } = await plannedWorld({
      Newsletter: ['ann@example.com', 'bob@example.com'],
    });
    world.iterable.refused.set('bob@example.com', 'forgotten');

    await sendBatch(world.deps, batches[0]!);

    const failures = world.work.text(failuresBlobName(world.tenantId, message.runId, 0));
    expect(JSON.parse(failures ?? '[]')).toEqual([
      { email: 'bob@example.com', reason: 'forgotten', segment: 'Newsletter' },
    ]);
  });

  it('puts a throttled batch back with a delay, records nothing and does not wait', async () => {
    const { world, message, batches } = await plannedWorld({ Newsletter: ['ann@example.com'] });
    world.iterable.failNext('throttled', 30_000);

    await sendBatch(world.deps, batches[0]!);

    const [again, ...others] = world.batchQueue.take();
    expect(others).toEqual([]);
    expect(again?.body).toMatchObject({ batch: 0, attempt: 1 });
    // Iterable's Retry-After (30 s) is longer than the first backoff (1-2 s): it wins.
    expect(again?.visibilityTimeout).toBe(30);
    const { tenantId, exportId, runId } = message;
    expect(await world.deps.progress.batchRecorded(tenantId, exportId, runId, 0)).toBe(false);
    expect(world.iterable.calls).toEqual([]);
  });

  it('does not send a batch of a cancelled run, and counts its members as not sent', async () => {
    const { world, message, batches } = await plannedWorld({ Newsletter: ['ann@example.com'] });
    const { tenantId, exportId, runId } = message;
    await endRun(world.deps, tenantId, exportId, runId, 'cancelled');

    await sendBatch(world.deps, batches[0]!);

    expect(world.iterable.calls).toEqual([]);
    expect(await world.deps.progress.results(tenantId, exportId, runId)).toEqual([
      expect.objectContaining({ batch: 0, succeeded: 0, failed: 1 }),
    ]);
    expect((await world.run(message)).status).toBe('cancelled');
  });

  it('finalizes the run with its last batch', async () => {
    const { world, message, batches } = await plannedWorld({
      Newsletter: ['ann@example.com', 'bob@example.com'],
      Winback: ['cy@example.com'],
    });

    for (const batch of batches) await sendBatch(world.deps, batch);

    const run = await world.run(message);
    expect(run.status).toBe('succeeded');
    expect(run.percentComplete).toBe(100);
    expect(run.counts).toMatchObject({ total: 3, added: 3, failed: 0, rejected: 0 });
    expect(world.iterable.membersOf('Winback')).toEqual(['cy@example.com']);
  });
});
