/**
 * The numbers of the gate rules (flow-rules.ts), each with its reason. Changing one changes how
 * every Iterable key is paced: the rules' unit tests and the flow-control host test say what holds.
 */
export const flowNumbers = {
  /**
   * A new key starts here and doubles every `doublingSeconds` until its first 429: past the
   * 60-100 requests/s an unthrottled million-member run reaches (1,000 batches) within 3 s, so a
   * key Iterable does not throttle is hardly slowed by its gate, while a key limited to 10/s meets
   * its first 429 about half a second in, with a few requests in flight instead of a dozen.
   */
  startRate: 20,
  /** Without a ceiling the rate grows no further (a gate row cannot book much faster anyway). */
  maxRate: 1000,
  /** Never slower than a request every two seconds, however often Iterable throttles. */
  floorRate: 0.5,
  /** A 429 halves the rate (multiplicative decrease). */
  decreaseFactor: 0.5,
  /** A 429 within this long of the previous decrease's hold quarters the rate instead. */
  quickRepeatMs: 2_000,
  /**
   * How the rate grows. With no 429 met yet it doubles every `doublingSeconds` (slow start), so
   * a key Iterable does not throttle is soon paced faster than any run sends and never slows one.
   * After one, additively (requests a second per second): fast (`fastShare` of the known limit, at least `minGrowthPerSecond`) back up to
   * `kneeShare` of that limit, `plateauSeconds` there, then slowly (`slowShare` of it, at least
   * `minSlowGrowthPerSecond`), probing for more. At a limit of 10/s: back to 9.5/s in about 2 s,
   * 30 s there, then 10 s to creep past 10, so a limit met again costs one 429 (and those in
   * flight) per ~400 requests, and a limit read a little low (a 429 from timing, not from the
   * limit) is left in under a minute.
   */
  doublingSeconds: 1,
  minGrowthPerSecond: 0.5,
  fastShare: 0.2,
  kneeShare: 0.95,
  slowShare: 0.005,
  /**
   * After a 429 the rate stays at the knee this long before it creeps past it: a limit met is
   * probed again about once a minute, not all the time, so a key kept at its limit meets few 429s.
   */
  plateauSeconds: 30,
  minSlowGrowthPerSecond: 0.05,
  /**
   * A ceiling is paced a little under: requests that leave exactly 1/R apart reach Iterable with
   * a few ms of jitter, and a strict "R in any second" limit would refuse about every other one.
   */
  ceilingShare: 0.95,
  /**
   * How long a 429 without Retry-After holds the key when the rate was far too high: a one-second
   * window has emptied by then. A 429 at about the rate the key held costs only two slots at the
   * new rate: the window was just over, and its oldest request leaves it within one slot.
   */
  throttlePauseMs: 1000,
  /**
   * A 429 at the connection's ceiling (jitter at the cap, or a limit just under it), when the
   * slots before it are not known: × 0.9.
   */
  atCeilingFactor: 0.9,
  /**
   * Slots kept to count what Iterable took in the second before a 429: a limit up to this many
   * requests a second is measured; above it, the rate is halved instead.
   */
  recentSlotsKept: 32,
  /**
   * A count under this share of the limit the key met before is not taken for the limit: requests
   * held up by a stalled instance and sent together meet a 429 with few slots in the second before.
   * The rate is halved instead, and grows back fast towards the limit it knew.
   */
  plausibleLimitShare: 0.5,
  /** Transient failures in a row that open the circuit. */
  failuresToOpen: 4,
  /** While the circuit is open: one probe a second per key. */
  probeRate: 1,
  /** A closing circuit starts the rate again at a quarter of what it was, at least this. */
  closedRestartRate: 2,
  /**
   * Send slots are booked at most this far ahead, and the batch waits for its slot in the
   * invocation: a queue's visibility delay counts whole seconds and the host polls up to half a
   * second late, so only a short wait spaces requests 1/rate apart.
   */
  slotAheadMs: 1_500,
  /**
   * A slot of a key paced against a limit is at least this long ahead: the batch hears of its slot
   * after a write and makes its last reads (its run, its gate) before it, and a slot taken "now"
   * would be sent late by those, closer to the next one than 1/rate. Only the first of a burst
   * waits the whole lead. A key far from any limit has a lead of 1/rate at most.
   */
  bookLeadMs: 250,
  /**
   * Return times are given this many times faster than the rate: batches come back with up to a
   * second's spread, and a slot no batch is there to take is lost. The few that find the slots a
   * moment ahead all booked are given a return time again.
   */
  returnOverbooking: 1.25,
  /** Return times are given at most this far ahead; a batch beyond it comes back to ask again. */
  horizonMs: 60_000,
  /** While the circuit is open return times reach only this far, so a recovery is met soon. */
  openHorizonMs: 3_000,
} as const;
