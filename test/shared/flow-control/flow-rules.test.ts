import {
  book,
  currentRate,
  failed,
  freshGate,
  succeeded,
  throttled,
  type GateState,
} from '../../../shared/flow-control/flow-rules';
import { flowNumbers } from '../../../shared/flow-control/flow-numbers';

const t0 = 1_800_000_000_000;

/**
 * Books `count` slots from `now` on, each asked for as soon as it can be booked (a moment before
 * the next free slot), and answers their times (each must be booked).
 */
function bookMany(state: GateState, now: number, count: number, ceiling?: number) {
  const slots: number[] = [];
  for (let i = 0; i < count; i++) {
    const next = book(state, Math.max(now, state.tat - flowNumbers.slotAheadMs), ceiling);
    if (next.booking.kind !== 'booked') throw new Error('not booked');
    slots.push(next.booking.at);
    state = next.state;
  }
  return { state, slots };
}

const gaps = (slots: number[]) => slots.slice(1).map((slot, i) => slot - slots[i]!);

describe('the gate rules', () => {
  it('book the first slot a moment ahead (bookLeadMs near a limit, 1/rate at most far from one) and each next 1/rate later', () => {
    const { slots } = bookMany(freshGate(t0), t0, 5);

    expect(slots[0]).toBe(t0 + 1000 / flowNumbers.startRate);
    expect(book(freshGate(t0), t0, 10).booking).toMatchObject({ at: t0 + flowNumbers.bookLeadMs });
    for (const gap of gaps(slots)) expect(gap).toBeCloseTo(1000 / flowNumbers.startRate);
  });

  it('mark a slot paced against a limit (a ceiling, or one a 429 showed), not one in slow start', () => {
    const slow = book(freshGate(t0), t0).booking;
    const capped = book(freshGate(t0), t0, 10).booking;
    const limited = book({ ...freshGate(t0), knownLimit: 10, rate: 9.5 }, t0).booking;

    expect(slow).toMatchObject({ kind: 'booked', nearLimit: false });
    expect(capped).toMatchObject({ kind: 'booked', nearLimit: true });
    expect(limited).toMatchObject({ kind: 'booked', nearLimit: true });
  });

  it('never book slots closer than the ceiling allows, however long the rate has grown', () => {
    const later = t0 + 3_600_000;
    const { slots } = bookMany(freshGate(t0), later, 50, 10);

    expect(currentRate(freshGate(t0), later, 10)).toBeLessThanOrEqual(10);
    for (const gap of gaps(slots)) expect(gap).toBeGreaterThanOrEqual(100);
    // At most 10 in any second, counted from every slot (paced a little under: 9.5 a second).
    for (const slot of slots) {
      expect(
        slots.filter((other) => other >= slot && other < slot + 1000).length,
      ).toBeLessThanOrEqual(10);
    }
  });

  it('double the rate every doublingSeconds until a 429, without a write per success', () => {
    const start = freshGate(t0);
    const doubling = flowNumbers.doublingSeconds * 1000;

    expect(currentRate(start, t0 + doubling)).toBeCloseTo(flowNumbers.startRate * 2);
    expect(currentRate(start, t0 + 2 * doubling)).toBeCloseTo(flowNumbers.startRate * 4);
    expect(currentRate(start, t0 + 10_000_000)).toBe(flowNumbers.maxRate);
    expect(succeeded(start, t0 + 5)).toBe(start);
  });

  it('halve the rate on a 429, void the slots booked so far and hold the key past Retry-After', () => {
    // A gate that has run a while: its last change long past.
    const { state } = bookMany(freshGate(t0 - 60_000), t0, 20);
    const now = t0 + 50;

    const after = throttled(state, now, state.epoch, 5_000);

    expect(after.epoch).toBe(state.epoch + 1);
    expect(after.rate).toBeCloseTo(currentRate(state, now) / 2);
    expect(after.knownLimit).toBeCloseTo(currentRate(state, now));
    expect(after.tat).toBe(now + 5_000);
    // The lower rate holds from the end of the hold on.
    expect(currentRate(after, now + 5_000)).toBeCloseTo(after.rate);
    const next = book(after, now + 4_000);
    expect(next.booking).toEqual({
      kind: 'booked',
      at: now + 5_000,
      epoch: after.epoch,
      nearLimit: true,
    });
  });

  it('quarter the rate on a 429 that comes right after the previous hold: it was far too high', () => {
    const first = throttled(freshGate(t0 - 60_000), t0, 0, undefined);

    const second = throttled(first, first.tat + 300, first.epoch, undefined);

    expect(second.rate).toBeCloseTo(currentRate(first, first.tat + 300) / 4);
  });

  it('go straight to just under what Iterable took in the second before the refused slot', () => {
    // At 100/s, slots 10 ms apart: the eleventh (100 ms in) is refused, so 10 a second passed.
    const { state, slots } = bookMany(freshGate(t0), t0, 20);

    const after = throttled(state, t0 + 120, 0, undefined, undefined, slots[10]);

    expect(after.knownLimit).toBe(10);
    expect(after.rate).toBeCloseTo(10 * flowNumbers.kneeShare);
    // The ten came in a burst: the window is full until the first of them is a second old.
    expect(after.tat).toBe(slots[0]! + 1000);
  });

  it('count what was sent, not what the rate allowed: a key with few batches, or shared', () => {
    let state = freshGate(t0 - 60_000);
    // Four slots a quarter of a second apart (1/rate, 1 ms, after each booking).
    for (const at of [t0, t0 + 250, t0 + 500, t0 + 750]) state = book(state, at).state;

    const after = throttled(state, t0 + 950, 0, undefined, undefined, t0 + 900);

    // Four requests in the second before were all Iterable took (someone else used the rest).
    expect(after.knownLimit).toBe(4);
    expect(after.rate).toBeCloseTo(4 * flowNumbers.kneeShare);
  });

  it('keep the limit it knows on a count one under it: the window edge, not a lower limit', () => {
    const creeping = { ...freshGate(t0), rate: 10, knownLimit: 10 };
    const { state, slots } = bookMany(creeping, t0, 30);
    // The refused request counted nine before it: it reached Iterable a little early.
    const refused = slots.at(-1)! - 5;
    const nine = {
      ...state,
      recentSlots: state.recentSlots.filter((slot) => slot !== slots.at(-2)),
    };

    const after = throttled(nine, refused + 20, 0, undefined, undefined, refused);

    expect(after.knownLimit).toBe(10);
    expect(after.rate).toBeCloseTo(10 * flowNumbers.kneeShare);
  });

  it("read a count one under the connection's ceiling as its edge, even on the key's first 429", () => {
    // Paced at 9.5 a second: the second before the refused slot holds nine.
    const { state, slots } = bookMany(freshGate(t0 - 60_000), t0, 30, 10);
    const refused = slots.at(-1)! - 5;

    const after = throttled(state, refused + 20, 0, undefined, 10, refused);

    expect(after.knownLimit).toBe(10);
    expect(currentRate(after, refused + 5_000, 10)).toBeCloseTo(10 * flowNumbers.ceilingShare);
  });

  it('halve, not trust the count, when it is far under the limit the key met before (a stall)', () => {
    // Slots 2 s apart for a while (an instance stalled), then a burst of held-up requests refused.
    let state = { ...freshGate(t0 - 60_000), knownLimit: 10, rate: 9.5, rateSince: t0 - 60_000 };
    for (const at of [t0, t0 + 2000]) state = book(state, at - 100, 10).state;
    const before = currentRate(state, t0 + 2050);

    const after = throttled(state, t0 + 2050, state.epoch, undefined, undefined, t0 + 2000);

    expect(after.rate).toBeCloseTo(before * flowNumbers.decreaseFactor);
  });

  it('halve when more slots than are kept fell in the second before the refused one', () => {
    // A key in slow start for 10 s: far faster than the slots kept can count in a second.
    const { state, slots } = bookMany(freshGate(t0 - 10_000), t0, flowNumbers.recentSlotsKept + 10);
    const refused = slots.at(-1)!;

    const after = throttled(state, refused + 20, 0, undefined, undefined, refused);

    expect(after.rate).toBeCloseTo(currentRate(state, refused + 20) * flowNumbers.decreaseFactor);
  });

  it('halve, not quarter, on the first 429 a key meets, however soon after its start', () => {
    const after = throttled(freshGate(t0), t0 + 1500, 0, undefined);

    expect(after.rate).toBeCloseTo(currentRate(freshGate(t0), t0 + 1500) / 2);
  });

  it('grow back fast to near the rate that met a 429, stay there a while, then creep past it slowly', () => {
    const limit = 10;
    const state = { ...freshGate(t0), rate: limit / 2, knownLimit: limit };
    const fast = limit * flowNumbers.fastShare;
    const secondsToKnee = (limit * flowNumbers.kneeShare - limit / 2) / fast;
    expect(secondsToKnee).toBeLessThan(3);

    expect(currentRate(state, t0 + 1000)).toBeCloseTo(limit / 2 + fast);
    expect(currentRate(state, t0 + secondsToKnee * 1000)).toBeCloseTo(
      limit * flowNumbers.kneeShare,
    );
    // At the knee for plateauSeconds, then about 10 more seconds to pass the limit that was met.
    const plateau = flowNumbers.plateauSeconds;
    expect(currentRate(state, t0 + (secondsToKnee + plateau) * 1000)).toBeCloseTo(
      limit * flowNumbers.kneeShare,
    );
    expect(currentRate(state, t0 + (secondsToKnee + plateau + 9) * 1000)).toBeLessThan(limit);
    const later = currentRate(state, t0 + (secondsToKnee + plateau + 11) * 1000);
    expect(later).toBeGreaterThan(limit);
    expect(later).toBeLessThan(limit * 1.01);
  });

  it('go back to just under the limit on a 429 of a creep just past it', () => {
    const limit = 10;
    const creeping = { ...freshGate(t0), rate: limit, knownLimit: limit };
    const { state, slots } = bookMany(creeping, t0, 30);
    const refused = slots.at(-1)!;

    const after = throttled(state, refused + 20, 0, undefined, undefined, refused);

    expect(after.knownLimit).toBe(limit);
    expect(after.rate).toBeCloseTo(limit * flowNumbers.kneeShare);
  });

  it('hold the key a whole second on its first 429, so the window empties', () => {
    const after = throttled(freshGate(t0 - 60_000), t0, 0, undefined);

    expect(after.tat).toBe(t0 + flowNumbers.throttlePauseMs);
  });

  it('take a 429 at the ceiling for jitter at the cap: the rate drops by a tenth only', () => {
    const atCap = freshGate(t0 - 60_000);

    const after = throttled(atCap, t0, 0, undefined, 10);

    expect(after.rate).toBeCloseTo(10 * flowNumbers.ceilingShare * flowNumbers.atCeilingFactor);
  });

  it('decrease once per epoch: 429s of requests booked before the decrease change only the hold', () => {
    const once = throttled(freshGate(t0 - 60_000), t0, 0, undefined);

    const again = throttled(once, t0 + 20, 0, 3_000);

    expect(again.rate).toBe(once.rate);
    expect(again.epoch).toBe(once.epoch);
    expect(again.tat).toBe(Math.max(once.tat, t0 + 3_020));
  });

  it('never go below the floor rate, however often Iterable throttles', () => {
    let state = freshGate(t0);
    for (let i = 0; i < 30; i++) state = throttled(state, t0, state.epoch, undefined);

    expect(currentRate(state, t0)).toBe(flowNumbers.floorRate);
  });

  it('open the circuit after failuresToOpen failures in a row and then book one probe a second', () => {
    let state = freshGate(t0);
    for (let i = 1; i < flowNumbers.failuresToOpen; i++) state = failed(state, t0);
    expect(state.circuitOpen).toBe(false);

    const open = failed(state, t0);

    expect(open.circuitOpen).toBe(true);
    expect(open.epoch).toBe(state.epoch + 1);
    const { slots } = bookMany(open, t0, 3);
    expect(slots).toEqual([t0 + 1000, t0 + 2000, t0 + 3000]);
    // Not further ahead than openHorizonMs: a recovery is met within seconds.
    expect(book(bookMany(open, t0, 3).state, t0).booking).toEqual({
      kind: 'later',
      at: t0 + flowNumbers.openHorizonMs,
      held: false,
    });
  });

  it('clear a run of failures on a success, so failures apart never open the circuit', () => {
    let state = freshGate(t0);
    for (let i = 0; i < 10; i++) {
      state = failed(failed(state, t0), t0);
      state = succeeded(state, t0);
    }
    expect(state.circuitOpen).toBe(false);
    expect(state.failures).toBe(0);
  });

  it('close the circuit on a success, the rate restarting low and the probe slots voided', () => {
    let state = freshGate(t0);
    for (let i = 0; i < flowNumbers.failuresToOpen; i++) state = failed(state, t0);
    const closedAt = t0 + 20_000;

    const closed = succeeded(state, closedAt);

    expect(closed.circuitOpen).toBe(false);
    expect(closed.epoch).toBe(state.epoch + 1);
    expect(currentRate(closed, closedAt)).toBe(flowNumbers.startRate / 4);
    expect(book(closed, closedAt).booking).toMatchObject({
      at: closedAt + 1000 / currentRate(closed, closedAt),
    });
  });

  it('count a 429 during an outage as Iterable answering: the circuit closes', () => {
    let state = freshGate(t0);
    for (let i = 0; i < flowNumbers.failuresToOpen; i++) state = failed(state, t0);

    const answered = throttled(state, t0, state.epoch, undefined);

    expect(answered.circuitOpen).toBe(false);
    expect(answered.failures).toBe(0);
  });

  it('book a slot only a moment ahead: a batch further back gets a return time a little after the last', () => {
    const state = { ...freshGate(t0), tat: t0 + 5_000 };

    const first = book(state, t0);
    const second = book(first.state, t0);

    expect(first.booking).toEqual({ kind: 'later', at: t0 + 5_000, held: true });
    // Spaced at the rate the key will have by then (slow start doubles it every second).
    const rateThen = currentRate(state, t0 + 5_000);
    expect(rateThen).toBeCloseTo(flowNumbers.startRate * 2 ** (5 / flowNumbers.doublingSeconds));
    expect(second.booking).toEqual({
      kind: 'later',
      at: t0 + 5_000 + 1000 / rateThen / flowNumbers.returnOverbooking,
      held: true,
    });
    // A return time holds no slot: the next free slot is where it was.
    expect(second.state.tat).toBe(state.tat);
  });

  it('take no return time from the line for a caller that will not come back (the planner)', () => {
    const state = { ...freshGate(t0), tat: t0 + 5_000 };

    const planner = book(state, t0, undefined, false);

    expect(planner.booking).toMatchObject({ kind: 'later', held: false });
    expect(planner.state).toBe(state);
  });

  it('give no return time beyond the horizon: a batch past it comes back to ask again', () => {
    const state = { ...freshGate(t0), tat: t0 + flowNumbers.horizonMs + 1 };

    const next = book(state, t0);

    expect(next.booking).toEqual({ kind: 'later', at: t0 + flowNumbers.horizonMs, held: false });
    expect(next.state).toBe(state);
  });
});
