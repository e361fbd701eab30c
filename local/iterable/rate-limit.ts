/** What a rate rule keeps per key: when the next request may pass, and the taking of it. */
interface Limit {
  /** Milliseconds until a request may pass; 0 when one may pass now. */
  waitMs(now: number): number;
  take(now: number): void;
}

/** Tokens refill continuously; a request needs one whole token. */
export class TokenBucket implements Limit {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly tokensPerMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /** Milliseconds until one token is available; 0 when one is available now. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.tokensPerMs);
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.tokensPerMs);
    this.updatedAt = now;
  }
}

/**
 * At most `capacity` requests in any window of `windowMs`: the strictest reading of "R requests a
 * second", with no burst allowance at all. A request passes when fewer than `capacity` passed in
 * the `windowMs` before it (the one exactly `windowMs` ago no longer counts).
 */
export class SlidingWindow implements Limit {
  /** When the requests of the last window passed, oldest first. */
  private readonly passed: number[] = [];

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
  ) {}

  waitMs(now: number): number {
    while (this.passed.length > 0 && this.passed[0]! <= now - this.windowMs) this.passed.shift();
    if (this.passed.length < this.capacity) return 0;
    return Math.max(1, this.passed[0]! + this.windowMs - now);
  }

  take(now: number): void {
    this.passed.push(now);
  }
}

export interface RateRule {
  /** Which bucket: project and, for per-endpoint limits, the endpoint. */
  bucketKey: string;
  capacity: number;
  tokensPerMs: number;
  /** Counted in a sliding window of `1 / tokensPerMs × capacity` ms instead of a token bucket. */
  slidingWindow?: boolean;
}

/** Buckets keyed by rule; a request passes only if every rule it falls under has a token. */
export class RateLimiter {
  private readonly buckets = new Map<string, Limit>();

  /** Takes a token from every rule and returns 0, or takes none and returns the wait in ms. */
  admit(rules: readonly RateRule[], now: number): number {
    let wait = 0;
    const buckets = rules.map((rule) => this.bucket(rule, now));
    for (const bucket of buckets) wait = Math.max(wait, bucket.waitMs(now));
    if (wait > 0) return wait;
    for (const bucket of buckets) bucket.take(now);
    return 0;
  }

  /** Forget all buckets, as a reset of the stand-in does. */
  clear(): void {
    this.buckets.clear();
  }

  private bucket(rule: RateRule, now: number): Limit {
    // The limits are part of the key so a changed limit starts a fresh, full bucket.
    const kind = rule.slidingWindow ? 'window' : 'bucket';
    const key = `${rule.bucketKey}|${kind}|${rule.capacity}|${rule.tokensPerMs}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = rule.slidingWindow
        ? new SlidingWindow(rule.capacity, rule.capacity / rule.tokensPerMs)
        : new TokenBucket(rule.capacity, rule.tokensPerMs, now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
