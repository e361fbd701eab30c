import { setTimeout as sleep } from 'node:timers/promises';
import type { Booking } from '../../flow-control/flow-rules';
import { GateContended, type FlowControl, type GateKey } from '../../flow-control/key-gates';
import { sendQueueMessage } from '../../clients/queue-messages';
import { batchMessageFormat, type BatchMessage } from '../pipeline-messages';
import { batchQueueFor } from '../batch-queues';
import type { PipelineDeps } from '../pipeline-deps';

/**
 * When a batch may go to Iterable: the send slot it takes at its key's gate (flow-control/). A
 * slot is booked only a moment ahead (`slotAheadMs` in flow-rules.ts) and waited for in the
 * invocation, which spaces requests 1/rate apart whatever the queue's timing. A batch further
 * back in the line is not held: it goes back to the queue, invisible until its return time, and
 * books its slot when it comes back. It never waits in an invocation for a limit to lift.
 */

/**
 * A batch comes back this long before its return time at most, the host's polling lag at least:
 * a visibility delay counts whole seconds, so it comes back up to a second earlier than asked.
 */
const returnLeadMs = 250;

export interface Slot {
  at: number;
  epoch: number;
  /** Paced against a limit: a request sent well after its slot would crowd the next ones. */
  nearLimit: boolean;
}

/**
 * The slot this delivery of the batch sends on, or undefined when the batch was put back to come
 * back at its return time (nothing is recorded either way).
 */
export async function takeSlot(
  deps: Pick<PipelineDeps, 'flow' | 'batchQueue'>,
  message: BatchMessage,
  gate: GateKey,
): Promise<Slot | undefined> {
  let booking: Booking;
  try {
    booking = await deps.flow.book(gate);
  } catch (error) {
    if (!(error instanceof GateContended)) throw error;
    // Many instances booking at once: the batch comes back in a second or two to book, without
    // spending one of the queue's deliveries on it.
    booking = { kind: 'later', at: Date.now() + 2000, held: false };
  }
  if (booking.kind === 'booked') {
    return { at: booking.at, epoch: booking.epoch, nearLimit: booking.nearLimit };
  }
  await putBack(deps, message, putBackSeconds(booking));
  return undefined;
}

/** Puts the batch back on its queue, as it is (its attempt not counted), for `delaySeconds`. */
export async function putBack(
  deps: Pick<PipelineDeps, 'batchQueue'>,
  message: BatchMessage,
  delaySeconds: number,
): Promise<void> {
  await sendQueueMessage(batchQueueFor(deps.batchQueue, message), batchMessageFormat, message, {
    delaySeconds,
  });
}

/** Waits for a slot taken by `takeSlot` (a moment at most); timers may fire early. */
export async function waitForSlot(slot: Slot): Promise<void> {
  for (let wait = slot.at - Date.now(); wait > 0; wait = slot.at - Date.now()) {
    await sleep(Math.ceil(wait));
  }
}

/**
 * How long a batch put back stays invisible: until its return time (a little before, never
 * after), or, past the horizon, a random half to all of the time the gate asked for, so the
 * batches it turned away do not all return together.
 */
function putBackSeconds(booking: Extract<Booking, { kind: 'later' }>): number {
  const wait = booking.at - Date.now();
  if (!booking.held) return Math.max(1, Math.round((wait * (0.5 + Math.random() / 2)) / 1000));
  return Math.max(0, Math.floor((wait - returnLeadMs) / 1000));
}

/**
 * The pace of the planner's few calls (the lists of a run): each takes a slot at the key's gate,
 * so it counts in the key's budget, and waits for it when it is a moment away. A key booked
 * further ahead (another run sending) does not hold the planner: its call goes at once, one
 * request over the key's pace at worst, and takes no return time from the batches' line.
 */
export function listCallPace(flow: FlowControl, gate: GateKey): () => Promise<void> {
  return async () => {
    const booking = await flow.book(gate, { queued: false });
    if (booking.kind === 'booked') await waitForSlot(booking);
  };
}
