import {
  forgetRateLimiter,
  RateLimiter,
  rateLimiterFor,
} from '../../../../shared/clients/iterable/rate-limiter';
import { clientFor, subscribers, useStandIn } from './fixtures';

async function timeOf(work: () => Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await work();
  return performance.now() - startedAt;
}

function acquireAll(limiter: RateLimiter, count: number): Promise<void[]> {
  return Promise.all(Array.from({ length: count }, () => limiter.acquire()));
}

describe('RateLimiter', () => {
  it('lets a burst of R requests go at once, then one every 1/R seconds', async () => {
    const limiter = new RateLimiter(20);
    const startedAt = performance.now();

    const passedAt = await Promise.all(
      Array.from({ length: 30 }, () => limiter.acquire().then(() => performance.now() - startedAt)),
    );

    expect(Math.max(...passedAt.slice(0, 20))).toBeLessThan(40);
    passedAt.slice(20).forEach((at, index) => expect(at).toBeGreaterThanOrEqual((index + 1) * 50));
    expect(passedAt[29]).toBeLessThan(800);
  });

  it('makes N requests at a cap of R take at least (N - R) / R seconds', async () => {
    const limiter = new RateLimiter(40);

    const elapsed = await timeOf(() => acquireAll(limiter, 60));

    expect(elapsed).toBeGreaterThanOrEqual(((60 - 40) / 40) * 1000);
  });

  it('holds every request during a pause, even without a rate', async () => {
    const limiter = new RateLimiter();
    limiter.pauseFor(150);

    const elapsed = await timeOf(() => acquireAll(limiter, 3));

    expect(elapsed).toBeGreaterThanOrEqual(150);
  });

  it('is unlimited when no rate is given', async () => {
    const elapsed = await timeOf(() => acquireAll(new RateLimiter(), 1000));

    expect(elapsed).toBeLessThan(100);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });
});

describe('rateLimiterFor', () => {
  afterEach(() => {
    forgetRateLimiter('connection-a');
    forgetRateLimiter('connection-b');
  });

  it('shares one limiter per connection and replaces it when the rate changes', () => {
    const first = rateLimiterFor('connection-a', 10);

    expect(rateLimiterFor('connection-a', 10)).toBe(first);
    expect(rateLimiterFor('connection-b', 10)).not.toBe(first);
    const changed = rateLimiterFor('connection-a', 5);
    expect(changed).not.toBe(first);
    expect(changed.requestsPerSecond).toBe(5);
    expect(rateLimiterFor('connection-a', undefined).requestsPerSecond).toBeUndefined();
  });

  it('starts without a burst: the second request waits 1/R', async () => {
    const limiter = rateLimiterFor('connection-a', 20);
    const startedAt = performance.now();

    await acquireAll(limiter, 2);

    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(50 - 1);
  });
});

describe('IterableClient with a request-rate cap', () => {
  const standIn = useStandIn();
  const cap = 20;
  const requests = 30;

  async function sendAll(options: Parameters<typeof clientFor>[1], standInLimit = cap * 1.1) {
    const client = clientFor(standIn(), options);
    const listId = await client.createList('Capped');
    standIn().configure({ rateLimitPerSecond: standInLimit });
    const batches = Array.from({ length: requests }, (_, index) =>
      client.subscribe(listId, subscribers(2, `batch${index}-`)),
    );
    return Promise.allSettled(batches);
  }

  it('stays under a stand-in limit slightly above the cap: no 429 at all', async () => {
    const startedAt = performance.now();

    const results = await sendAll({ rateLimiter: new RateLimiter(cap), maxAttempts: 1 });

    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(((requests - cap) / cap) * 1000);
    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
    expect(standIn().stats().rateLimited).toBe(0);
  });

  it("paces a connection's requests evenly, so a stand-in limit equal to the cap sees no 429", async () => {
    try {
      const results = await sendAll(
        { rateLimiter: rateLimiterFor('paced-connection', cap), maxAttempts: 1 },
        cap,
      );

      expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
      expect(standIn().stats().rateLimited).toBe(0);
    } finally {
      forgetRateLimiter('paced-connection');
    }
  });

  it('is what keeps the stand-in quiet: without the cap the same burst is throttled', async () => {
    const results = await sendAll({ maxAttempts: 1 });

    expect(results.some((result) => result.status === 'rejected')).toBe(true);
    expect(standIn().stats().rateLimited).toBeGreaterThan(0);
  });
});
