import { startIterableStandIn } from '../../../local/iterable/server';
import type { IterableStandIn, IterableStandInOptions } from '../../../local/iterable/server';
import { API_KEY, call, createList, membersOf, subscribe } from './fixtures';

async function withStandIn(
  options: IterableStandInOptions,
  test: (standIn: IterableStandIn) => Promise<void>,
): Promise<void> {
  const standIn = await startIterableStandIn({ apiKeys: [API_KEY], ...options });
  try {
    await test(standIn);
  } finally {
    await standIn.close();
  }
}

async function statuses(standIn: IterableStandIn, count: number): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count; i += 1) result.push((await call(standIn, 'GET', '/api/lists')).status);
  return result;
}

describe('Iterable stand-in rate limit', () => {
  it('answers 429 RateLimitExceeded without Retry-After once the bucket is empty', () =>
    withStandIn({ rateLimitPerSecond: 2 }, async (standIn) => {
      const first = await statuses(standIn, 2);
      const limited = await call(standIn, 'GET', '/api/lists');

      expect(first).toEqual([200, 200]);
      expect(limited.status).toBe(429);
      expect(limited.json).toEqual({
        code: 'RateLimitExceeded',
        msg: 'Exceeded rate limit.',
        params: null,
      });
      expect(limited.headers.get('retry-after')).toBeNull();
      expect(standIn.stats().rateLimited).toBe(1);
    }));

  it('sends Retry-After in whole seconds when sendRetryAfter is on', () =>
    withStandIn(
      { rateLimitPerSecond: 0.5, rateLimitBurst: 1, sendRetryAfter: true },
      async (standIn) => {
        await call(standIn, 'GET', '/api/lists');
        const limited = await call(standIn, 'GET', '/api/lists');

        expect(limited.status).toBe(429);
        expect(limited.headers.get('retry-after')).toBe('2');
      },
    ));

  it('admits requests again once the bucket refills', () =>
    withStandIn({ rateLimitPerSecond: 20, rateLimitBurst: 1 }, async (standIn) => {
      await call(standIn, 'GET', '/api/lists');
      const limited = await call(standIn, 'GET', '/api/lists');
      await new Promise((resolve) => setTimeout(resolve, 80));
      const later = await call(standIn, 'GET', '/api/lists');

      expect(limited.status).toBe(429);
      expect(later.status).toBe(200);
    }));

  it('in slidingWindow mode, admits at most R requests in any one-second window, with no burst', () =>
    withStandIn(
      { rateLimitPerSecond: 3, rateLimitMode: 'slidingWindow', sendRetryAfter: true },
      async (standIn) => {
        const first = await statuses(standIn, 4);
        await new Promise((resolve) => setTimeout(resolve, 1050));
        const later = await statuses(standIn, 4);

        expect(first).toEqual([200, 200, 200, 429]);
        expect(later).toEqual([200, 200, 200, 429]);
        expect(standIn.stats().rateLimited).toBe(2);
      },
    ));

  it('keeps a separate bucket per key', () =>
    withStandIn(
      { rateLimitPerSecond: 1, apiKeys: [API_KEY, 'second-key-1234'] },
      async (standIn) => {
        await call(standIn, 'GET', '/api/lists');
        const other = await call(standIn, 'GET', '/api/lists', { apiKey: 'second-key-1234' });

        expect(other.status).toBe(200);
      },
    ));
});

describe('Iterable stand-in fault injection', () => {
  it('fails the next n requests with the configured 5xx and then recovers', () =>
    withStandIn({ failNext: 2, failStatus: 500 }, async (standIn) => {
      const result = await statuses(standIn, 3);
      const failed = await (async () => {
        standIn.configure({ failNext: 1 });
        return call(standIn, 'GET', '/api/lists');
      })();

      expect(result).toEqual([500, 500, 200]);
      expect(failed.json).toMatchObject({ code: 'GenericError' });
      expect(standIn.stats().injectedFaults).toBe(3);
    }));

  it('throttles the next n requests before any 5xx, as Iterable answers past its limits', () =>
    withStandIn({ throttleNext: 1, failNext: 1 }, async (standIn) => {
      const first = await call(standIn, 'GET', '/api/lists');
      const rest = await statuses(standIn, 2);

      expect(first.status).toBe(429);
      expect(first.json).toMatchObject({ code: 'RateLimitExceeded' });
      expect(rest).toEqual([503, 200]);
      expect(standIn.stats().injectedFaults).toBe(2);
    }));

  it('draws the same failures for the same seed', async () => {
    const runs: number[][] = [];
    for (let run = 0; run < 2; run += 1) {
      await withStandIn({ failProbability: 0.5, seed: 42 }, async (standIn) => {
        runs.push(await statuses(standIn, 20));
      });
    }

    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]).toContain(503);
    expect(runs[0]).toContain(200);
  });

  it('applies the change and then fails when faultTiming is afterProcessing', () =>
    withStandIn({}, async (standIn) => {
      const listId = await createList(standIn, 'Segment');
      standIn.configure({ failNext: 1, faultTiming: 'afterProcessing' });

      const reply = await subscribe(standIn, { listId, subscribers: [{ email: 'a@example.com' }] });

      expect(reply.status).toBe(503);
      expect(await membersOf(standIn, listId)).toEqual(['a@example.com']);
    }));

  it('fails only the routes listed in faultEndpoints', () =>
    withStandIn({ failNext: 1, faultEndpoints: ['POST /api/lists/subscribe'] }, async (standIn) => {
      const listId = await createList(standIn, 'Segment');
      const reply = await subscribe(standIn, { listId, subscribers: [{ email: 'a@example.com' }] });

      expect(reply.status).toBe(503);
      expect(await membersOf(standIn, listId)).toEqual([]);
    }));

  it('drops the connection without an answer when dropNext is set', () =>
    withStandIn({ dropNext: 1 }, async (standIn) => {
      await expect(call(standIn, 'GET', '/api/lists')).rejects.toThrow();
      expect((await call(standIn, 'GET', '/api/lists')).status).toBe(200);
      expect(standIn.stats().requests['GET /api/lists']).toEqual({ dropped: 1, '200': 1 });
    }));
});

describe('Iterable stand-in latency and list readiness', () => {
  it('delays every answer by latencyMs', () =>
    withStandIn({ latencyMs: 150 }, async (standIn) => {
      const started = performance.now();
      await call(standIn, 'GET', '/api/lists');

      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    }));

  it('answers invalidListId for a new list until newListReadyAfterMs has passed', () =>
    withStandIn({ newListReadyAfterMs: 300 }, async (standIn) => {
      const listId = await createList(standIn, 'Fresh');
      const body = { listId, subscribers: [{ email: 'a@example.com' }] };

      const early = await subscribe(standIn, body);
      await new Promise((resolve) => setTimeout(resolve, 350));
      const later = await subscribe(standIn, body);

      expect(early.status).toBe(400);
      expect(early.json).toMatchObject({ msg: `error.lists.invalidListId(${listId})` });
      expect(later.status).toBe(200);
    }));

  it('answers 413 BatchTooLarge when the body exceeds maxBodyBytes', () =>
    withStandIn({ maxBodyBytes: 64 }, async (standIn) => {
      const subscribers = Array.from({ length: 10 }, (_, i) => ({ email: `u${i}@example.com` }));
      const reply = await subscribe(standIn, { listId: 1, subscribers });

      expect(reply.status).toBe(413);
      expect(reply.json).toMatchObject({ code: 'BatchTooLarge' });
    }));
});

describe('Iterable stand-in runtime configuration', () => {
  it('changes knobs through POST /_standin/config and reports them all', () =>
    withStandIn({}, async (standIn) => {
      const changed = await call(standIn, 'POST', '/_standin/config', {
        apiKey: null,
        body: { rateLimitPerSecond: 1, latencyMs: 5 },
      });
      const afterChange = await statuses(standIn, 2);
      const current = await call(standIn, 'GET', '/_standin/config', { apiKey: null });

      expect(changed.status).toBe(200);
      expect(changed.json).toMatchObject({ rateLimitPerSecond: 1, latencyMs: 5, failNext: 0 });
      expect(afterChange).toEqual([200, 429]);
      expect(current.json).toEqual(changed.json);
    }));

  it('rejects an unknown or mistyped knob with 400 and changes nothing', () =>
    withStandIn({}, async (standIn) => {
      const unknown = await call(standIn, 'POST', '/_standin/config', {
        apiKey: null,
        body: { latency: 5 },
      });
      const mistyped = await call(standIn, 'POST', '/_standin/config', {
        apiKey: null,
        body: { failNext: -1 },
      });

      expect(unknown.status).toBe(400);
      expect(mistyped.status).toBe(400);
      expect((await call(standIn, 'GET', '/_standin/config', { apiKey: null })).json).toMatchObject(
        {
          failNext: 0,
          latencyMs: 0,
        },
      );
    }));
});
