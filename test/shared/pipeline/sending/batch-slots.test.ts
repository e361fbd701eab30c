import { flowNumbers } from '../../../../shared/flow-control/flow-numbers';
import { GateStore } from '../../../../shared/flow-control/gate-store';
import { setTimeout as sleep } from 'node:timers/promises';
import { GateContended, type FlowControl } from '../../../../shared/flow-control/key-gates';
import { takeSlot } from '../../../../shared/pipeline/sending/batch-slots';
import { keyHash } from '../../../../shared/list-ownership/iterable-projects';
import { sendBatch } from '../../../../shared/pipeline/sending/batch-sender';
import {
  batchMessageFormat,
  type BatchMessage,
} from '../../../../shared/pipeline/pipeline-messages';
import { PipelineWorld } from '../../../support/fakes/pipeline-world';

/** A world with one batch per segment planned and queued (one member each). */
async function plannedWorld(segments: string[]) {
  const world = new PipelineWorld();
  for (const [index, segment] of segments.entries()) {
    world.writeSnapshot(segment, [`member${index}@example.com`]);
  }
  const exportRecord = await world.addExport({ segments });
  await world.plan(await world.queueRun(exportRecord));
  return { world, batches: world.takeBatchMessages() };
}

/** The gate of the world's key, as stored. */
async function gateOf(world: PipelineWorld) {
  const stored = await new GateStore(world.flowControlTable.asTableClient()).read(
    keyHash('fake-iterable-key'),
  );
  if (!stored) throw new Error('No gate row');
  return stored.state;
}

/** The one message the batch worker put back, as it reads it when it comes back. */
function putBack(world: PipelineWorld): { message: BatchMessage; delaySeconds?: number } {
  const [again, ...others] = world.batchQueue.take();
  expect(others).toEqual([]);
  if (!again) throw new Error('Nothing was put back');
  return { message: batchMessageFormat.parse(again.body), delaySeconds: again.visibilityTimeout };
}

/** The world's deps with every read of the gate before a send taking `delayMs`. */
function withSlowGateReads(world: PipelineWorld, delayMs: number) {
  const flow = world.deps.flow;
  const slow: FlowControl = {
    book: (key, options) => flow.book(key, options),
    holds: async (key, epoch) => {
      await sleep(delayMs);
      return flow.holds(key, epoch);
    },
    voidedHere: (key, epoch) => flow.voidedHere(key, epoch),
    report: (key, epoch, outcome) => flow.report(key, epoch, outcome),
  };
  return { ...world.deps, flow: slow };
}

describe('sendBatch at its key gate', () => {
  it('puts a batch whose slot is seconds away back to return then, and books its slot on return', async () => {
    const { world, batches } = await plannedWorld(['A', 'B']);
    // Half a request a second (paced at 95% of it): slots about two seconds apart.
    world.connection.requestsPerSecond = 0.5;

    await sendBatch(world.deps, batches[0]!);
    const firstSentAt = Date.now();
    await sendBatch(world.deps, batches[1]!);

    expect(world.iterable.calls).toHaveLength(1);
    const { message, delaySeconds } = putBack(world);
    // Unchanged: a return time is no slot, and nothing of it travels with the batch.
    expect(message).toEqual(batches[1]);
    // Back a little before its return time (2.1 s on), never after it.
    expect(delaySeconds).toBe(1);
    const { returnAt } = await gateOf(world);
    expect(returnAt - firstSentAt).toBeGreaterThan(3500);

    await new Promise((resolve) => setTimeout(resolve, delaySeconds! * 1000));
    await sendBatch(world.deps, message);

    // Booked on return and waited for in the invocation: 1/(0.95 × 0.5) s after the first.
    expect(Date.now() - firstSentAt).toBeGreaterThanOrEqual(2000);
    expect(world.iterable.calls).toHaveLength(2);
    expect(world.batchQueue.take()).toEqual([]);
  });

  it('gives the batches waiting in line return times a little closer than 1/rate', async () => {
    const { world, batches } = await plannedWorld(['A', 'B', 'C', 'D']);
    world.connection.requestsPerSecond = 0.5;

    for (const batch of batches) await sendBatch(world.deps, batch);

    expect(world.iterable.calls).toHaveLength(1);
    const delays = world.batchQueue.take().map((again) => again.visibilityTimeout);
    // Return times 2.1, 3.8 and 5.5 s on (overbooked by a quarter), each a quarter second early.
    expect(delays).toEqual([1, 3, 5]);
  });

  it('books again when it wakes well after its slot (a stalled instance)', async () => {
    const { world, batches } = await plannedWorld(['A', 'B']);
    world.connection.requestsPerSecond = 10;
    await sendBatch(world.deps, batches[0]!);
    // The process stalls for half a second while the second batch waits for its slot.
    setTimeout(() => {
      const until = Date.now() + 500;
      while (Date.now() < until);
    }, 20);

    await sendBatch(world.deps, batches[1]!);

    expect(world.iterable.calls).toHaveLength(2);
    // Three slots: the first batch's, the one the second woke late for, and the one it sent on.
    const { recentSlots } = await gateOf(world);
    expect(recentSlots).toHaveLength(3);
    expect(recentSlots[2]! - recentSlots[1]!).toBeGreaterThan(400);
  });

  it('goes back to the queue when its reads before a slot keep making it late', async () => {
    const { world, batches } = await plannedWorld(['A']);
    world.connection.requestsPerSecond = 10;

    await sendBatch(withSlowGateReads(world, 600), batches[0]!);

    expect(world.iterable.calls).toHaveLength(0);
    const { message, delaySeconds } = putBack(world);
    expect(message).toEqual(batches[0]);
    expect(delaySeconds).toBe(1);
    // Three slots booked, each woken for more than a twentieth of a second late.
    expect((await gateOf(world)).recentSlots).toHaveLength(3);
  });

  it('sends however late when its key is paced against no limit (slow start, no ceiling)', async () => {
    const { world, batches } = await plannedWorld(['A']);

    await sendBatch(withSlowGateReads(world, 600), batches[0]!);

    expect(world.iterable.calls).toHaveLength(1);
    expect((await gateOf(world)).recentSlots).toHaveLength(1);
    expect(world.batchQueue.take()).toEqual([]);
  });

  it('puts a batch back for a second or two when the gate stays contended, and fails on other errors', async () => {
    const { world, batches } = await plannedWorld(['A']);
    const gate = { keyHash: keyHash('fake-iterable-key') };
    const refusing = (error: Error) => ({
      ...world.deps,
      flow: { ...world.deps.flow, book: () => Promise.reject(error) },
    });

    const slot = await takeSlot(refusing(new GateContended()), batches[0]!, gate);

    expect(slot).toBeUndefined();
    const { message, delaySeconds } = putBack(world);
    expect(message).toEqual(batches[0]);
    expect(delaySeconds).toBeGreaterThanOrEqual(1);
    expect(delaySeconds).toBeLessThanOrEqual(2);
    await expect(takeSlot(refusing(new Error('storage down')), batches[0]!, gate)).rejects.toThrow(
      'storage down',
    );
    expect(world.batchQueue.take()).toEqual([]);
  });

  it('tells the gate of a 429: the rate drops and the batch comes back without its slot', async () => {
    const { world, batches } = await plannedWorld(['A']);
    world.iterable.failNext('throttled');

    await sendBatch(world.deps, batches[0]!);

    const gate = await gateOf(world);
    expect(gate.epoch).toBe(1);
    // Refused on the gate's very first slot, nothing says how many Iterable takes: halved from
    // the rate it had then (the start rate, grown a little in slow start).
    expect(gate.knownLimit).toBeGreaterThanOrEqual(flowNumbers.startRate);
    expect(gate.knownLimit).toBeLessThan(flowNumbers.startRate * 2);
    expect(gate.rate).toBeCloseTo(gate.knownLimit * flowNumbers.decreaseFactor);
    const { message } = putBack(world);
    expect(message).toMatchObject({ attempt: 1 });
  });

  it('opens the circuit after failures in a row; a probe that fails costs the batch no attempt', async () => {
    const { world, batches } = await plannedWorld(['A']);
    let message = batches[0]!;
    for (let failure = 1; failure <= flowNumbers.failuresToOpen + 1; failure++) {
      world.iterable.failNext('transient');
      await sendBatch(world.deps, message);
      message = putBack(world).message;
    }

    expect((await gateOf(world)).circuitOpen).toBe(true);
    // The failures that opened the circuit count; the probe after them does not.
    expect(message.attempt).toBe(flowNumbers.failuresToOpen);

    await sendBatch(world.deps, message);

    expect(world.iterable.calls).toHaveLength(1);
    const gate = await gateOf(world);
    expect(gate.circuitOpen).toBe(false);
    expect(gate.failures).toBe(0);
  });
});
