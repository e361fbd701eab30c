import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A token bucket for the requests of one Iterable connection in this process, written as a
 * "virtual scheduling" (GCRA) reservation: each `acquire()` books the next free slot and sleeps
 * until it, so waiting requests leave in arrival order with no polling. It starts full: `burst`
 * requests go at once, then one every 1/rate seconds.
 *
 * Iterable publishes no limit for list writes, so the rate is the operator's choice per
 * connection. It caps one process only: with N instances (Flex Consumption scales out), give each
 * process the connection's cap divided by the maximum instance count the operator configures.
 */
export class RateLimiter {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  /** When the bucket would be empty again (monotonic ms); GCRA's "theoretical arrival time". */
  private emptyAt = Number.NEGATIVE_INFINITY;
  private pausedUntil = Number.NEGATIVE_INFINITY;

  /** @param requestsPerSecond undefined = unlimited (only `pauseFor` holds requests back). */
  constructor(
    readonly requestsPerSecond?: number,
    burst: number = Math.max(1, Math.ceil(requestsPerSecond ?? 1)),
  ) {
    if (requestsPerSecond !== undefined && !(requestsPerSecond > 0)) {
      throw new RangeError('requestsPerSecond must be a positive number');
    }
    this.intervalMs = requestsPerSecond === undefined ? 0 : 1000 / requestsPerSecond;
    this.toleranceMs = (Math.max(1, burst) - 1) * this.intervalMs;
  }

  /** Resolves when this request may be sent. */
  async acquire(): Promise<void> {
    for (;;) {
      const pauseBooked = this.pausedUntil;
      await sleepUntil(this.reserve());
      // A pause that began while this request slept voids its slot: book one after the pause.
      if (this.pausedUntil === pauseBooked || this.pausedUntil <= performance.now()) return;
    }
  }

  /** Books the next free slot and returns when it starts (monotonic ms). */
  private reserve(): number {
    const earliest = Math.max(performance.now(), this.pausedUntil);
    const slot = Math.max(this.emptyAt, earliest);
    this.emptyAt = slot + this.intervalMs;
    return Math.max(slot - this.toleranceMs, earliest);
  }

  /**
   * Holds every request of the connection for `ms`, as a `Retry-After` asks: the other requests in
   * flight would only collect 429s too. Afterwards the bucket starts empty, not with a burst.
   */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, performance.now() + ms);
    this.emptyAt = Math.max(this.emptyAt, this.pausedUntil + this.toleranceMs);
  }
}

/** Timers may fire a millisecond early; a cap must never be exceeded, so check and sleep again. */
async function sleepUntil(target: number): Promise<void> {
  for (let wait = target - performance.now(); wait > 0; wait = target - performance.now()) {
    await sleep(Math.ceil(wait));
  }
}

const limiters = new Map<string, RateLimiter>();

/**
 * The one limiter of a connection in this process, shared by every client and batch that uses the
 * connection. A changed rate replaces it. `connectionId` must be unique across tenants.
 *
 * It paces evenly, without a starting burst: requests one every 1/R seconds leave the server's
 * own bucket of R nearly full, so a few that arrive close together (network jitter) still find
 * tokens. Sent as a burst, the bucket would sit near empty and every early arrival would be a 429.
 */
export function rateLimiterFor(connectionId: string, requestsPerSecond?: number): RateLimiter {
  const existing = limiters.get(connectionId);
  if (existing && existing.requestsPerSecond === requestsPerSecond) return existing;
  const limiter = new RateLimiter(requestsPerSecond, 1);
  limiters.set(connectionId, limiter);
  return limiter;
}

/** Drops a deleted connection's limiter. */
export function forgetRateLimiter(connectionId: string): void {
  limiters.delete(connectionId);
}
