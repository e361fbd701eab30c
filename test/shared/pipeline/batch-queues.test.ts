import type { QueueClient } from '@azure/storage-queue';
import {
  batchQueueFor,
  batchQueuesOf,
  expressBatches,
} from '../../../shared/pipeline/batch-queues';
import { batchMessageFormat } from '../../../shared/pipeline/pipeline-messages';
import { sendBatch } from '../../../shared/pipeline/sending/batch-sender';
import { PipelineWorld } from '../../support/fakes/pipeline-world';
import type { MemoryQueue } from '../../support/fakes/memory-queue';

/** The batch numbers a queue holds, in the order they were sent; the queue empties. */
const numbersOn = (queue: MemoryQueue) =>
  queue.take().map((message) => batchMessageFormat.parse(message.body).batch);

/** A world with a run of `count` one-member segments planned: `count` batches, numbered from 0. */
async function plannedWorld(count: number) {
  const world = new PipelineWorld();
  const segments = Array.from({ length: count }, (_, index) => `Segment ${index}`);
  for (const [index, segment] of segments.entries()) {
    world.writeSnapshot(segment, [`member${index}@example.com`]);
  }
  const exportRecord = await world.addExport({ segments });
  await world.plan(await world.queueRun(exportRecord));
  return world;
}

describe('batchQueueFor', () => {
  const queues = {
    main: { name: 'export-batches' } as QueueClient,
    express: { name: 'export-batches-express' } as QueueClient,
  };
  const queueOf = (batch: number) => batchQueueFor(queues, { batch }).name;

  it('sends the first eight batches of every run express and the rest to the main queue', () => {
    expect(expressBatches).toBe(8);
    expect([0, 1, 7].map(queueOf)).toEqual(Array(3).fill('export-batches-express'));
    expect([8, 9, 999].map(queueOf)).toEqual(Array(3).fill('export-batches'));
  });

  it('takes the queue names from the storage layout', () => {
    const named = batchQueuesOf({ getQueueClient: (name: string) => ({ name }) as QueueClient });
    expect([named.main.name, named.express.name]).toEqual([
      'export-batches',
      'export-batches-express',
    ]);
  });
});

describe('the batch lanes of a run', () => {
  it('enqueues a planned run’s first eight batches express and the rest on the main queue', async () => {
    const world = await plannedWorld(10);

    expect(numbersOn(world.batchQueue.express).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
    expect(numbersOn(world.batchQueue.main).sort((a, b) => a - b)).toEqual([8, 9]);
  });

  it('puts a batch back on its own lane to come back at its return time', async () => {
    const world = await plannedWorld(10);
    const batches = world.takeBatchMessages().sort((a, b) => a.batch - b.batch);
    // Half a request a second: after the first batch, the others are put back for later.
    world.connection.requestsPerSecond = 0.5;

    for (const number of [0, 3, 9]) await sendBatch(world.deps, batches[number]!);

    expect(world.iterable.calls).toHaveLength(1);
    expect(numbersOn(world.batchQueue.express)).toEqual([3]);
    expect(numbersOn(world.batchQueue.main)).toEqual([9]);
  });

  it('requeues a throttled batch on its own lane', async () => {
    const world = await plannedWorld(10);
    const batches = world.takeBatchMessages().sort((a, b) => a.batch - b.batch);

    world.iterable.failNext('throttled', 1000);
    await sendBatch(world.deps, batches[9]!);
    world.iterable.failNext('throttled', 1000);
    await sendBatch(world.deps, batches[2]!);

    expect(numbersOn(world.batchQueue.main)).toEqual([9]);
    expect(numbersOn(world.batchQueue.express)).toEqual([2]);
  });

  it('releases held batches each on its lane', async () => {
    const world = await plannedWorld(10);
    const batches = world.takeBatchMessages().sort((a, b) => a.batch - b.batch);

    await world.deps.held.release([batches[8]!, batches[1]!]);

    expect(numbersOn(world.batchQueue.express)).toEqual([1]);
    expect(numbersOn(world.batchQueue.main)).toEqual([8]);
  });
});
