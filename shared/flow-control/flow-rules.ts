import { flowNumbers } from './flow-numbers';

/**
 * The rules of one Iterable key's gate, as pure functions of its state and the time: how fast the
 * key's batches may go, how that rate adapts to what Iterable answers, and when the outage circuit
 * opens and closes. No storage here: gate-store.ts keeps the state, key-gates.ts applies these.
 *
 * The gate is a distributed GCRA ("virtual scheduling"): `tat` is the next free send slot, and a
 * booking takes it and moves it 1/rate on. Every instance books from the one row, so slots are
 * 1/rate apart whichever instance sends, and a ceiling holds however many instances there are.
 * Send slots are booked only a moment ahead (`slotAheadMs`); batches further back in the line get
 * a return time (`returnAt`), spaced at the same rate, and book their slot when they come back.
 */
export interface GateState {
  /** The next free send slot (epoch ms); GCRA's "theoretical arrival time". */
  tat: number;
  /**
   * The next free return time (epoch ms): a batch whose send slot is more than a moment away goes
   * back to the queue to return at this time, and the next one 1/rate later. Return times hold no
   * send slot: a batch that returns late (or never) wastes nothing, it books the next free slot.
   */
  returnAt: number;
  /** Requests a second right after the last decrease (or the start); it grows from there. */
  rate: number;
  /** When `rate` took effect (epoch ms; after a 429, the end of its hold): growth counts from here. */
  rateSince: number;
  /** The rate at which Iterable last answered 429 (requests a second); 0 = never. */
  knownLimit: number;
  /**
   * The last slots booked (epoch ms, oldest first, at most `recentSlotsKept`). A 429 on a slot
   * counts those of the second before it: that is how many requests Iterable took in a second,
   * whatever the rate was meant to be and however many batches there were to send.
   */
  recentSlots: number[];
  /** Bumped at every decrease, opening and closing: a slot booked under an older epoch is void. */
  epoch: number;
  /** Transient failures (5xx, timeouts) in a row. */
  failures: number;
  /** Iterable looks down: one probe a second until a request succeeds. */
  circuitOpen: boolean;
}

export function freshGate(now: number): GateState {
  return {
    tat: now,
    returnAt: now,
    rate: flowNumbers.startRate,
    rateSince: now,
    knownLimit: 0,
    recentSlots: [],
    epoch: 0,
    failures: 0,
    circuitOpen: false,
  };
}

/** The highest rate a ceiling (the connection's requestsPerSecond) allows, or maxRate without. */
function limitOf(ceiling: number | undefined): number {
  return ceiling === undefined ? flowNumbers.maxRate : ceiling * flowNumbers.ceilingShare;
}

/** Requests per second the key may send now: the lazy additive increase, under the ceiling. */
export function currentRate(state: GateState, now: number, ceiling?: number): number {
  if (state.circuitOpen) return Math.min(flowNumbers.probeRate, limitOf(ceiling));
  const seconds = Math.max(0, now - state.rateSince) / 1000;
  return Math.min(limitOf(ceiling), grownRate(state, seconds));
}

function grownRate({ rate, knownLimit }: GateState, seconds: number): number {
  const { minGrowthPerSecond, minSlowGrowthPerSecond } = flowNumbers;
  if (knownLimit === 0) {
    return Math.min(flowNumbers.maxRate, rate * 2 ** (seconds / flowNumbers.doublingSeconds));
  }
  const fast = Math.max(minGrowthPerSecond, knownLimit * flowNumbers.fastShare);
  const slow = Math.max(minSlowGrowthPerSecond, knownLimit * flowNumbers.slowShare);
  const knee = knownLimit * flowNumbers.kneeShare;
  if (rate >= knee) return rate + slow * Math.max(0, seconds - flowNumbers.plateauSeconds);
  const secondsToKnee = (knee - rate) / fast;
  if (seconds <= secondsToKnee) return rate + fast * seconds;
  return knee + slow * Math.max(0, seconds - secondsToKnee - flowNumbers.plateauSeconds);
}

/**
 * A send slot taken (`at`, epoch ms; the batch waits for it), or a time to come back and book
 * (`at`; `held` when it is a return time given in the line, not a random one past the horizon).
 */
export type Booking =
  | {
      kind: 'booked';
      at: number;
      epoch: number;
      /**
       * The key is paced against a limit (the connection's ceiling, or one Iterable showed with a
       * 429): sent well after its slot, the request would crowd the next ones into one window.
       */
      nearLimit: boolean;
    }
  | { kind: 'later'; at: number; held: boolean };

/**
 * Books the next free slot when it is at most `slotAheadMs` away: slot = max(now + lead, tat), tat =
 * slot + 1/rate. Otherwise gives the batch the next return time, so the batches waiting come back
 * one by one, a little faster than they can be sent then (at the rate the key will have by that
 * time: a key in slow start doubles meanwhile); beyond the horizon, the horizon, where it asks
 * again (the caller spreads those, so they do not all come back at once). A caller that will not
 * come back (`queued: false`, the planner's calls) takes no return time from the line.
 */
export function book(
  state: GateState,
  now: number,
  ceiling?: number,
  queued = true,
): { state: GateState; booking: Booking } {
  const interval = 1000 / currentRate(state, now, ceiling);
  const nearLimit = ceiling !== undefined || state.knownLimit > 0;
  // Far from any limit a slot late by its reads crowds nothing: no lead past 1/rate, which would
  // only add to every batch's time while the run sends as fast as it can.
  const lead = nearLimit ? flowNumbers.bookLeadMs : Math.min(flowNumbers.bookLeadMs, interval);
  const slot = Math.max(now + lead, state.tat);
  if (slot - now <= flowNumbers.slotAheadMs) {
    const recentSlots = [...state.recentSlots.slice(1 - flowNumbers.recentSlotsKept), slot];
    return {
      state: { ...state, tat: slot + interval, recentSlots },
      booking: { kind: 'booked', at: slot, epoch: state.epoch, nearLimit },
    };
  }
  const horizon = state.circuitOpen ? flowNumbers.openHorizonMs : flowNumbers.horizonMs;
  const back = Math.max(slot, state.returnAt);
  if (!queued || back - now > horizon)
    return { state, booking: { kind: 'later', at: now + horizon, held: false } };
  const intervalThen = 1000 / currentRate(state, back, ceiling);
  return {
    state: { ...state, returnAt: back + intervalThen / flowNumbers.returnOverbooking },
    booking: { kind: 'later', at: back, held: true },
  };
}

/**
 * A 429 (or Retry-After) for a request booked under `bookedEpoch` on the slot `slotAt`. The first
 * one of an epoch lowers the rate, voids the slots booked so far and holds the key past
 * Retry-After; the others of that epoch were sent at the old rate and change nothing more, as TCP
 * decreases once per round trip. An answer at all means Iterable is up: the circuit closes.
 *
 * The new rate comes from what Iterable took: the slots booked in the second before the refused
 * one (every instance books from this row, so they are the key's requests). The key goes on at
 * just under that, whatever rate it meant to send at, and meets the limit again only by creeping
 * past it. When that count is not known (a limit above `recentSlotsKept` a second, or no slot),
 * the rate is halved, or quartered when the previous decrease was only just over.
 */
export function throttled(
  state: GateState,
  now: number,
  bookedEpoch: number,
  retryAfterMs: number | undefined,
  ceiling?: number,
  slotAt?: number,
): GateState {
  if (bookedEpoch !== state.epoch) {
    const holdUntil = now + (retryAfterMs ?? 0);
    return { ...state, tat: Math.max(state.tat, holdUntil) };
  }
  const before = state.circuitOpen
    ? flowNumbers.closedRestartRate
    : currentRate(state, now, ceiling);
  // Only a repeat is quick: a new key's first 429 has no earlier decrease to follow.
  const quick = state.knownLimit > 0 && now - state.rateSince < flowNumbers.quickRepeatMs;
  const window = state.circuitOpen ? undefined : secondBefore(state.recentSlots, slotAt);
  // Far fewer than the limit met before: more likely requests held up and sent together (a
  // stalled instance) than a limit halved; the count is not trusted then.
  const plausible =
    window !== undefined && window.length >= state.knownLimit * flowNumbers.plausibleLimitShare;
  let rate: number;
  let knownLimit: number;
  let holdUntil: number;
  if (window !== undefined && plausible) {
    // One under the limit known (or more) is the window's edge, not a lower limit: requests
    // reach Iterable a few ms off their slots. The known limit stands, the key goes on under it.
    // The connection's ceiling counts as known: a 429 one under it is its edge too.
    const known = Math.max(state.knownLimit, ceiling ?? 0);
    const atEdge = known > 0 && !quick && window.length >= known - 1;
    knownLimit = atEdge ? Math.max(window.length, known) : window.length;
    rate = knownLimit * flowNumbers.kneeShare;
    if (quick) rate = Math.min(rate, before * flowNumbers.decreaseFactor);
    // The window is full until its oldest request leaves it (a second after it, when the requests
    // came in a burst), and at least a slot at the new rate.
    holdUntil = Math.max(window[0]! + 1000, now + 1000 / Math.max(rate, 1));
  } else {
    knownLimit = before;
    const atCeiling = ceiling !== undefined && before >= limitOf(ceiling) * 0.98 && !quick;
    rate = atCeiling
      ? before * flowNumbers.atCeilingFactor
      : before * flowNumbers.decreaseFactor ** (quick ? 2 : 1);
    holdUntil =
      now +
      (atCeiling
        ? Math.min(flowNumbers.throttlePauseMs, 2000 / Math.max(rate, 1))
        : flowNumbers.throttlePauseMs);
  }
  if (retryAfterMs !== undefined) holdUntil = now + retryAfterMs;
  return {
    tat: holdUntil,
    returnAt: Math.max(state.returnAt, holdUntil),
    rate: Math.max(flowNumbers.floorRate, rate),
    rateSince: holdUntil,
    knownLimit,
    // The slots booked after the refused one are void: they will not be sent.
    recentSlots: state.recentSlots.filter((slot) => slot <= (slotAt ?? now)),
    epoch: state.epoch + 1,
    failures: 0,
    circuitOpen: false,
  };
}

/**
 * The slots booked in the second before `slotAt`, oldest first: the requests Iterable took in that
 * second before it refused this one. Undefined when not known: no slot, none before it, or more
 * than the slots kept (the oldest kept is still inside that second).
 */
function secondBefore(recentSlots: number[], slotAt: number | undefined): number[] | undefined {
  if (slotAt === undefined) return undefined;
  const from = slotAt - 1000;
  const oldest = recentSlots[0];
  if (oldest === undefined) return undefined;
  if (recentSlots.length >= flowNumbers.recentSlotsKept && oldest >= from) return undefined;
  const window = recentSlots.filter((slot) => slot >= from && slot < slotAt);
  return window.length >= 1 ? window : undefined;
}

/** A 5xx or a request without an answer. The `failuresToOpen`th in a row opens the circuit. */
export function failed(state: GateState, now: number, ceiling?: number): GateState {
  const failures = state.failures + 1;
  if (state.circuitOpen || failures < flowNumbers.failuresToOpen) return { ...state, failures };
  return circuitTurned(state, now, {
    tat: now + 1000 / flowNumbers.probeRate,
    // Kept while open: the rate the key restarts from (a quarter of it) once Iterable answers.
    rate: currentRate(state, now, ceiling),
    failures,
    circuitOpen: true,
  });
}

/**
 * A request that succeeded. Closes an open circuit, the rate starting again low (a quarter of
 * what it was) and the probes' slots voided; otherwise it only clears a run of failures. The
 * same state back means nothing to write: successes cost no write.
 */
export function succeeded(state: GateState, now: number): GateState {
  if (state.circuitOpen) {
    return circuitTurned(state, now, {
      tat: now,
      rate: Math.max(flowNumbers.closedRestartRate, state.rate / 4),
      failures: 0,
      circuitOpen: false,
    });
  }
  return state.failures === 0 ? state : { ...state, failures: 0 };
}

/**
 * The circuit opened or closed: a new rate from `now` (the known limit kept), no burst under way,
 * and a new epoch, which voids every slot booked before.
 */
function circuitTurned(
  state: GateState,
  now: number,
  turned: Pick<GateState, 'tat' | 'rate' | 'failures' | 'circuitOpen'>,
): GateState {
  return {
    ...turned,
    // The line of return times starts again: its times were given at the rate before.
    returnAt: turned.tat,
    rateSince: now,
    knownLimit: state.knownLimit,
    recentSlots: [],
    epoch: state.epoch + 1,
  };
}
