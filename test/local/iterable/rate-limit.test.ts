import { RateLimiter, SlidingWindow } from '../../../local/iterable/rate-limit';

describe('SlidingWindow', () => {
  it('admits R requests in any window and answers the wait until the oldest leaves it', () => {
    const window = new SlidingWindow(2, 1000);
    window.take(0);
    window.take(400);

    expect(window.waitMs(999)).toBe(1);
    expect(window.waitMs(1000)).toBe(0);
    window.take(1000);
    expect(window.waitMs(1200)).toBe(200);
    expect(window.waitMs(1400)).toBe(0);
  });
});

describe('RateLimiter', () => {
  it('counts a sliding-window rule over every request of its key, a second at a time', () => {
    const limiter = new RateLimiter();
    const rule = { bucketKey: 'p:all', capacity: 10, tokensPerMs: 10 / 1000, slidingWindow: true };
    // Twenty requests at once, then one every 50 ms: never more than 10 pass in a second.
    const passed: number[] = [];
    for (let now = 0; now < 3000; now += 50) {
      for (let i = 0; i < (now === 0 ? 20 : 1); i++) {
        if (limiter.admit([rule], now) === 0) passed.push(now);
      }
    }
    for (const at of passed) {
      expect(passed.filter((other) => other > at - 1000 && other <= at).length).toBeLessThanOrEqual(
        10,
      );
    }
    expect(passed.length).toBe(30);
  });
});
