import { setTimeout as sleep } from 'node:timers/promises';
import type { Booking } from '../../flow-control/flow-rules';
import type { FlowControl, GateKey } from '../../flow-control/key-gates';
import { sendQueueMessage } from '../../clients/queue-messages';
import { batchMessageFormat, type BatchMessage } from '../pipeline-messages';
import type { PipelineDeps } from '../pipeline-deps';

/**
 * When a batch may go to Iterable: the send slot it takes at its key's gate (flow-control/). A
 * slot further off than a moment is not waited for in the invocation: the batch goes back to the
 * queue, invisible until just before its slot, and sends on it when it comes back.
 *
 * Why a short wait at all: a queue's visibility delay counts whole seconds and the host polls up
 * to half a second late, so the queue alone brings a batch back anywhere in a second or more
 * around its slot. Sent as it comes, batches a tenth of a second apart would bunch, and a limit of
 * "R in any one second" would refuse some. So a batch comes back a little early and waits out the
 * rest of its slot: under `waitAtMostMs`, bounded, never for a rate limit to lift.
 */
const waitAtMostMs = 1_500;
/** A batch put back on a slot comes back at least this long before it (the host's polling lag). */
const returnLeadMs = 500;
/** A slot missed by more than this is booked again: sent late, the batch would crowd the next. */
const lateByAtMostMs = 50;

export interface Slot {
  at: number;
  epoch: number;
}

/**
 * The slot this delivery of the batch sends on, or undefined when the batch was put back (to come
 * back for its slot, or to book one later). Nothing is recorded either way.
 */
export async function takeSlot(
  deps: Pick<PipelineDeps, 'flow' | 'batchQueue'>,
  message: BatchMessage,
  gate: GateKey,
): Promise<Slot | undefined> {
  const { slotAt, slotEpoch } = message;
  if (slotAt !== undefined && slotEpoch !== undefined && Date.now() - slotAt <= lateByAtMostMs) {
    // Booked on an earlier delivery: still good unless a 429 or the circuit voided it since.
    if (await deps.flow.holds(gate, slotEpoch)) return { at: slotAt, epoch: slotEpoch };
  }
  const booking = await deps.flow.book(gate);
  if (booking.kind === 'booked' && booking.at - Date.now() <= waitAtMostMs) {
    return { at: booking.at, epoch: booking.epoch };
  }
  await sendQueueMessage(deps.batchQueue, batchMessageFormat, withSlot(message, booking), {
    delaySeconds: putBackSeconds(booking),
  });
  return undefined;
}

/** Waits for a slot taken by `takeSlot` (at most `waitAtMostMs`); timers may fire early. */
export async function waitForSlot(slot: Slot): Promise<void> {
  for (let wait = slot.at - Date.now(); wait > 0; wait = slot.at - Date.now()) {
    await sleep(Math.ceil(wait));
  }
}

/** The message without a slot: a batch put back after a failure books again when it returns. */
export function withoutSlot(message: BatchMessage): BatchMessage {
  const { slotAt: _slotAt, slotEpoch: _slotEpoch, ...rest } = message;
  return rest;
}

function withSlot(message: BatchMessage, booking: Booking): BatchMessage {
  if (booking.kind === 'full') return withoutSlot(message);
  return { ...message, slotAt: booking.at, slotEpoch: booking.epoch };
}

/**
 * How long a batch put back stays invisible: until `returnLeadMs` or more before its slot, or,
 * with no slot to be had, a random half to all of the time the gate asked for, so the batches it
 * turned away do not all return together.
 */
function putBackSeconds(booking: Booking): number {
  if (booking.kind === 'full') {
    return Math.max(1, Math.round((booking.retryInMs * (0.5 + Math.random() / 2)) / 1000));
  }
  return Math.max(1, Math.floor((booking.at - Date.now() - returnLeadMs) / 1000));
}

/**
 * The pace of the planner's few calls (the lists of a run): each takes a slot at the key's gate,
 * so it counts in the key's budget, and waits for it when it is a moment away. A key booked
 * further ahead (another run sending) does not hold the planner: its call goes at once, one
 * request over the key's pace at worst.
 */
export function listCallPace(flow: FlowControl, gate: GateKey): () => Promise<void> {
  return async () => {
    const booking = await flow.book(gate);
    if (booking.kind === 'booked' && booking.at - Date.now() <= waitAtMostMs) {
      await waitForSlot(booking);
    }
  };
}
