import { planRun } from '../../../../shared/pipeline/planning/run-planner';
import { sendBatch } from '../../../../shared/pipeline/sending/batch-sender';
import { runMessageFormat, type RunMessage } from '../../../../shared/runs/run-schemas';
import {
  planBlobsPrefix,
  planCheckpointBlobName,
  planSnapshotCopyBlobNames,
  planStepAliveBlobName,
} from '../../../../shared/work-blobs';
import { PipelineWorld } from '../../../support/fakes/pipeline-world';

const emails = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, index) => `member${from + index}@example.com`);

/** A world whose plans hold at most 1,000 members in memory: 3,000 take several steps. */
function smallMemoryWorld(): PipelineWorld {
  const world = new PipelineWorld();
  world.deps.planningLimits.membersInMemory = 1000;
  return world;
}

/** The run messages sent so far (steps and their watches), parsed as the run worker reads them. */
function takeRunMessages(world: PipelineWorld): RunMessage[] {
  return [...world.onDemandRunQueue.take(), ...world.runQueue.take()].map((message) =>
    runMessageFormat.parse(message.body),
  );
}

/** The steps among the run messages sent so far (their watches are dropped). */
function takeSteps(world: PipelineWorld): RunMessage[] {
  return takeRunMessages(world).filter((message) => message.action === 'step');
}

async function sendQueuedBatches(world: PipelineWorld): Promise<void> {
  for (let messages = world.takeBatchMessages(); messages.length;) {
    for (const message of messages) await sendBatch(world.deps, message);
    messages = world.takeBatchMessages();
  }
}

/** Plans the run and every step it sends, each as its own delivery; returns the steps seen. */
async function planInSteps(world: PipelineWorld, message: RunMessage): Promise<RunMessage[]> {
  await planRun(world.deps, message);
  const steps: RunMessage[] = [];
  for (let next = takeRunMessages(world); next.length; next = takeRunMessages(world)) {
    for (const step of next) {
      if (step.action === 'step') steps.push(step);
      await planRun(world.deps, step);
    }
  }
  return steps;
}

describe('planning a segment larger than memory in steps', () => {
  it('plans each group of partitions in a step of its own and ends with the list exact', async () => {
    const world = smallMemoryWorld();
    world.writeSnapshot('Newsletter', emails(0, 3000));
    const exportRecord = await world.addExport({ syncMode: 'mirror' });
    const first = await world.queueRun(exportRecord, { mode: 'full' });

    const steps = await planInSteps(world, first);

    expect(steps.length).toBeGreaterThan(2);
    expect(steps.map((step) => step.step)).toEqual(steps.map((_, index) => index + 1));
    expect(steps.every((step) => step.action === 'step' && step.runId === first.runId)).toBe(true);
    const planned = await world.run(first);
    expect(planned.status).toBe('running');
    expect(planned.counts).toMatchObject({ total: 3000, added: 3000, removed: 0 });
    await sendQueuedBatches(world);
    expect((await world.run(first)).status).toBe('succeeded');
    expect(world.iterable.membersOf('Newsletter')).toEqual(emails(0, 3000).sort());
    expect(await world.confirmedMembers(exportRecord.id, 'Newsletter')).toEqual(
      emails(0, 3000).sort(),
    );
    // Each step removed the partitions it read.
    const spilled = [...world.work.blobs.keys()].filter((name) => name.includes('/plan/0/'));
    expect(spilled).toEqual([]);
  });

  it('sends adds as each step ends but holds removals until the whole plan is known', async () => {
    const world = smallMemoryWorld();
    world.writeSnapshot('Newsletter', emails(0, 3000));
    const exportRecord = await world.addExport({ syncMode: 'mirror' });
    const first = await world.queueRun(exportRecord, { mode: 'full' });
    await planInSteps(world, first);
    await sendQueuedBatches(world);

    // 100 leave, 100 join.
    world.writeSnapshot('Newsletter', emails(100, 3100));
    const second = await world.queueRun(exportRecord);
    await planRun(world.deps, second);
    const [step, ...others] = takeSteps(world);
    expect(others).toEqual([]);
    await planRun(world.deps, step!);
    expect((await world.run(second)).status).toBe('planning');
    const sentEarly = world.takeBatchMessages();
    // Adds of the first group went at once; no removal did.
    expect(sentEarly.every((batch) => batch.kind === 'subscribe')).toBe(true);
    expect(sentEarly.length).toBeGreaterThan(0);
    for (const batch of sentEarly) await sendBatch(world.deps, batch);
    const meanwhile = world.iterable.membersOf('Newsletter');
    expect(meanwhile.length).toBeGreaterThan(3000);
    expect(meanwhile).toEqual(expect.arrayContaining(emails(0, 100)));

    for (let next = takeRunMessages(world); next.length; next = takeRunMessages(world)) {
      for (const message of next) await planRun(world.deps, message);
    }
    const planned = await world.run(second);
    expect(planned.status).toBe('running');
    expect(planned.counts).toMatchObject({ total: 3000, added: 100, removed: 100 });
    await sendQueuedBatches(world);
    expect((await world.run(second)).status).toBe('succeeded');
    expect(world.iterable.membersOf('Newsletter')).toEqual(emails(100, 3100).sort());
    expect(await world.confirmedMembers(exportRecord.id, 'Newsletter')).toEqual(
      emails(100, 3100).sort(),
    );
  });

  it('resumes from the last finished step when a step dies, and counts a step run twice once', async () => {
    const world = smallMemoryWorld();
    world.writeSnapshot('Newsletter', emails(0, 3000));
    const exportRecord = await world.addExport({ syncMode: 'mirror' });
    const first = await world.queueRun(exportRecord, { mode: 'full' });
    await planRun(world.deps, first);
    const [step1] = takeSteps(world);
    await planRun(world.deps, step1!);
    const [step2] = takeSteps(world);

    // Step 1 comes back (its planner died after saving): it only sends step 2 again.
    const batchesBefore = world.batchQueue.sent.length;
    await planRun(world.deps, step1!, 2);
    const [step2Again] = takeSteps(world);
    expect(step2Again).toEqual(step2);
    expect(world.batchQueue.sent.length).toBe(batchesBefore);

    // The first message comes back too: the checkpoint shows the plan goes on in steps.
    await planRun(world.deps, first, 2);
    expect(takeSteps(world)).toEqual([]);
    expect(world.batchQueue.sent.length).toBe(batchesBefore);

    // Step 2 dies reading its partitions, and its message comes back.
    const checkpoint = planCheckpointBlobName(world.tenantId, first.runId);
    const before = world.work.text(checkpoint);
    const partition = [...world.work.blobs.keys()]
      .filter((name) =>
        name.startsWith(`${planBlobsPrefix(world.tenantId, first.runId)}0/members-`),
      )
      .sort()[0]!;
    world.work.failDownloads.set(partition, 503);
    await expect(planRun(world.deps, step2!)).rejects.toThrow();
    expect(world.work.text(checkpoint)).toBe(before);
    world.work.failDownloads.delete(partition);
    await planRun(world.deps, step2!, 2);
    // The duplicate of step 2 finds its work done and leaves it.
    await planRun(world.deps, step2Again!);

    for (let next = takeRunMessages(world); next.length; next = takeRunMessages(world)) {
      for (const message of next) await planRun(world.deps, message);
    }
    const planned = await world.run(first);
    expect(planned.status).toBe('running');
    expect(planned.counts).toMatchObject({ total: 3000, added: 3000 });
    await sendQueuedBatches(world);
    const done = await world.run(first);
    expect(done.status).toBe('succeeded');
    expect(done.counts).toMatchObject({ total: 3000, added: 3000, failed: 0 });
    expect(world.iterable.membersOf('Newsletter')).toEqual(emails(0, 3000).sort());
  });
});

describe('the watch of a step', () => {
  it('sends the first invocation again within seconds when its planner dies reading the snapshots', async () => {
    const world = smallMemoryWorld();
    world.writeSnapshot('Newsletter', emails(0, 3000));
    const exportRecord = await world.addExport();
    const first = await world.queueRun(exportRecord, { mode: 'full' });
    const copy = planSnapshotCopyBlobNames(world.tenantId, first.runId, 0);
    // The planner stops reading its copy of the snapshot; its message stays leased for minutes.
    world.work.failDownloads.set(copy.data, 503);
    await expect(planRun(world.deps, first)).rejects.toThrow();
    world.work.failDownloads.delete(copy.data);
    const [watch] = takeRunMessages(world);
    expect(watch).toEqual({ ...first, action: 'watch', step: 0 });

    // Alive a moment ago: the watch only looks again later.
    await planRun(world.deps, watch!);
    expect(takeRunMessages(world)).toEqual([watch]);
    const alive = planStepAliveBlobName(world.tenantId, first.runId, 0);
    world.work.blobs.get(alive)!.lastModified = new Date(Date.now() - 20_000);
    await planRun(world.deps, watch!);
    const [again] = takeRunMessages(world);
    expect(again).toEqual({ ...first, action: 'step', step: 0 });

    // Delivered once, it takes the run over as the first message brought back would.
    await planInSteps(world, again!);
    expect(await world.run(first)).toMatchObject({ status: 'running', counts: { total: 3000 } });
    // The first message, back after its lease, finds the plan settled and leaves it.
    const batches = world.batchQueue.sent.length;
    await planRun(world.deps, first, 2);
    expect(takeRunMessages(world)).toEqual([]);
    expect(world.batchQueue.sent.length).toBe(batches);
    await sendQueuedBatches(world);
    expect((await world.run(first)).status).toBe('succeeded');
    expect(world.iterable.membersOf('Newsletter')).toEqual(emails(0, 3000).sort());
  });

  it('sends a step again within seconds when its planner stops showing signs of life, not while it lives', async () => {
    const world = smallMemoryWorld();
    world.writeSnapshot('Newsletter', emails(0, 3000));
    const exportRecord = await world.addExport();
    const first = await world.queueRun(exportRecord, { mode: 'full' });
    await planRun(world.deps, first);
    const [step1] = takeSteps(world);
    // The planner of step 1 shows a sign of life, then dies before finishing.
    const alive = planStepAliveBlobName(world.tenantId, first.runId, 1);
    world.work.put(alive, '');
    const watch = { ...step1!, action: 'watch' as const };

    await planRun(world.deps, watch);
    // Alive a moment ago: the watch only looks again later.
    const later = takeRunMessages(world);
    expect(later).toEqual([watch]);

    world.work.blobs.get(alive)!.lastModified = new Date(Date.now() - 20_000);
    await planRun(world.deps, watch);
    expect(takeRunMessages(world)).toEqual([step1]);

    // The step is done, but its planner dies before it sends step 2: the watch goes on, and
    // once the checkpoint has stood still for a while it sends step 2 itself.
    await planRun(world.deps, step1!);
    const [step2] = takeSteps(world);
    await planRun(world.deps, watch);
    expect(takeRunMessages(world)).toEqual([watch]);
    const checkpoint = planCheckpointBlobName(world.tenantId, first.runId);
    world.work.blobs.get(checkpoint)!.lastModified = new Date(Date.now() - 20_000);
    await planRun(world.deps, watch);
    expect(takeRunMessages(world)).toEqual([step2]);

    // Once step 2 shows life, the watch of step 1 ends.
    await planRun(world.deps, step2!);
    takeRunMessages(world);
    await planRun(world.deps, watch);
    expect(takeRunMessages(world)).toEqual([]);
  });
});

describe('the snapshot a large plan reads', () => {
  it('is a copy of the pinned version, so a first step taken again after a rewrite plans the same rows', async () => {
    const world = smallMemoryWorld();
    world.writeSnapshot('Newsletter', emails(0, 3000));
    world.writeSnapshot('Small', emails(0, 10));
    const exportRecord = await world.addExport({
      syncMode: 'mirror',
      segments: ['Newsletter', 'Small'],
    });
    const first = await world.queueRun(exportRecord, { mode: 'full' });
    const copy = planSnapshotCopyBlobNames(world.tenantId, first.runId, 0);

    // The first step takes its copy, then dies reading it: the queue brings its message back.
    world.work.failDownloads.set(copy.data, 503);
    await expect(planRun(world.deps, first)).rejects.toThrow();
    expect(world.work.names(copy.data).sort()).toEqual([copy.data, copy.description]);
    // A segment small enough for memory is read where it is: no copy.
    const small = planSnapshotCopyBlobNames(world.tenantId, first.runId, 1);
    expect(world.work.names(small.data)).toEqual([]);

    // Meanwhile the platform writes the next refresh's snapshot.
    world.writeSnapshot('Newsletter', emails(5000, 6000));
    world.work.failDownloads.delete(copy.data);
    await planRun(world.deps, first, 2);
    for (let next = takeRunMessages(world); next.length; next = takeRunMessages(world)) {
      for (const message of next) await planRun(world.deps, message);
    }

    const planned = await world.run(first);
    expect(planned.status).toBe('running');
    expect(planned.counts).toMatchObject({ total: 3010, added: 3010 });
    await sendQueuedBatches(world);
    expect((await world.run(first)).status).toBe('succeeded');
    expect(world.iterable.membersOf('Newsletter')).toEqual(emails(0, 3000).sort());
    // Read and saved: the copy (every member's e-mail) is gone.
    expect(world.work.names(copy.data)).toEqual([]);
  });
});
