import { flowNumbers } from '../../../../shared/flow-control/flow-rules';
import { GateStore } from '../../../../shared/flow-control/gate-store';
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

describe('sendBatch at its key gate', () => {
  it('puts a batch whose slot is seconds away back for it, and sends on that slot when it returns', async () => {
    const { world, batches } = await plannedWorld(['A', 'B']);
    // Half a request a second: slots about two seconds apart.
    world.connection.requestsPerSecond = 0.5;

    await sendBatch(world.deps, batches[0]!);
    await sendBatch(world.deps, batches[1]!);

    expect(world.iterable.calls).toHaveLength(1);
    const { message, delaySeconds } = putBack(world);
    expect(message).toMatchObject({ batch: 1, attempt: 0, slotEpoch: 0 });
    const slotAt = message.slotAt ?? 0;
    // Back a little before its slot, which it then waits out.
    expect(delaySeconds).toBe(1);
    expect(slotAt - Date.now()).toBeGreaterThan(1600);
    const tat = (await gateOf(world)).tat;

    await sendBatch(world.deps, message);

    expect(Date.now()).toBeGreaterThanOrEqual(slotAt);
    expect(world.iterable.calls).toHaveLength(2);
    // Sent on the slot it held: nothing booked again.
    expect((await gateOf(world)).tat).toBe(tat);
    expect(world.batchQueue.take()).toEqual([]);
  });

  it('books again when a 429 voided its slot while it was away', async () => {
    const { world, batches } = await plannedWorld(['A', 'B']);
    world.connection.requestsPerSecond = 0.5;
    await sendBatch(world.deps, batches[0]!);
    await sendBatch(world.deps, batches[1]!);
    const { message } = putBack(world);
    const gate = { keyHash: keyHash('fake-iterable-key'), ceiling: 0.5 };
    await world.deps.flow.report(gate, 0, { kind: 'throttled', retryAfterMs: 3000 });

    await sendBatch(world.deps, message);

    // Not sent on the void slot: booked after the Retry-After, and put back for that.
    expect(world.iterable.calls).toHaveLength(1);
    const again = putBack(world).message;
    expect(again.slotEpoch).toBe(1);
    expect(again.slotAt).toBeGreaterThanOrEqual(message.slotAt ?? 0);
  });

  it('tells the gate of a 429: the rate drops and the batch comes back without its slot', async () => {
    const { world, batches } = await plannedWorld(['A']);
    world.iterable.failNext('throttled');

    await sendBatch(world.deps, batches[0]!);

    const gate = await gateOf(world);
    expect(gate.epoch).toBe(1);
    // Refused on the gate's very first slot, nothing says how many Iterable takes: halved.
    expect(gate.rate).toBeCloseTo(flowNumbers.startRate * flowNumbers.decreaseFactor, 0);
    expect(gate.knownLimit).toBeCloseTo(flowNumbers.startRate, 0);
    const { message } = putBack(world);
    expect(message).toMatchObject({ attempt: 1 });
    expect(message.slotAt).toBeUndefined();
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
