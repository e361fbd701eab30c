/** Tokens refill continuously; a request needs one whole token. */
export class TokenBucket {
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

export interface RateRule {
  /** Which bucket: project and, for per-endpoint limits, the endpoint. */
  bucketKey: string;
  capacity: number;
  tokensPerMs: number;
}

/** Buckets keyed by rule; a request passes only if every rule it falls under has a token. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

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

  private bucket(rule: RateRule, now: number): TokenBucket {
    // The capacity is part of the key so a changed limit starts a fresh, full bucket.
    const key = `${rule.bucketKey}|${rule.capacity}|${rule.tokensPerMs}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(rule.capacity, rule.tokensPerMs, now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
