import { IterableError } from '../../../../shared/clients/iterable/iterable-error';
import { answersOf, clientFor, failureOf, membersOf, subscribers, useStandIn } from './fixtures';

const SUBSCRIBE = 'POST /api/lists/subscribe';

describe('IterableClient retries', () => {
  const standIn = useStandIn({ faultEndpoints: ['POST /api/lists/subscribe'] });

  it('retries injected 503s and succeeds within maxAttempts', async () => {
    const client = clientFor(standIn(), { maxAttempts: 3 });
    const listId = await client.createList('Segment');
    standIn().configure({ failNext: 2, failStatus: 503 });

    const result = await client.subscribe(listId, subscribers(3));

    expect(result.successCount).toBe(3);
    expect(answersOf(standIn(), SUBSCRIBE)).toEqual({ '503': 2, '200': 1 });
  });

  it('retries a dropped connection and succeeds', async () => {
    const client = clientFor(standIn(), { maxAttempts: 2 });
    const listId = await client.createList('Segment');
    standIn().configure({ dropNext: 1 });

    const result = await client.subscribe(listId, subscribers(2));

    expect(result.successCount).toBe(2);
    expect(answersOf(standIn(), SUBSCRIBE)).toEqual({ dropped: 1, '200': 1 });
  });

  it('retries a change whose answer was lost and ends with the same members', async () => {
    const client = clientFor(standIn(), { maxAttempts: 2 });
    const listId = await client.createList('Segment');
    standIn().configure({ failNext: 1, faultTiming: 'afterProcessing' });

    const result = await client.subscribe(listId, subscribers(2));

    expect(result).toEqual({ successCount: 2, failCount: 0, failures: [] });
    expect(membersOf(standIn(), listId)).toEqual(['user0@example.com', 'user1@example.com']);
  });

  it('retries a 429 without Retry-After and succeeds once the stand-in has capacity again', async () => {
    const client = clientFor(standIn(), { maxAttempts: 6, retryBaseDelayMs: 200 });
    const listId = await client.createList('Segment');
    // One request per 50 ms, no burst: the second of two back-to-back requests is throttled.
    standIn().configure({ rateLimitPerSecond: 20, rateLimitBurst: 1 });
    await client.subscribe(listId, subscribers(1, 'first'));

    const result = await client.subscribe(listId, subscribers(1, 'second'));

    expect(result.successCount).toBe(1);
    expect(answersOf(standIn(), SUBSCRIBE)['429']).toBeGreaterThanOrEqual(1);
  });

  it('waits at least as long as Retry-After says before trying again', async () => {
    const client = clientFor(standIn(), { maxAttempts: 2 });
    const listId = await client.createList('Segment');
    // One request per second: the stand-in answers the next one 429 with Retry-After: 1.
    standIn().configure({ rateLimitPerSecond: 1, sendRetryAfter: true });
    await client.subscribe(listId, subscribers(1, 'first'));
    const startedAt = performance.now();

    const result = await client.subscribe(listId, subscribers(1, 'second'));

    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(1000);
    expect(result.successCount).toBe(1);
    expect(answersOf(standIn(), SUBSCRIBE)).toEqual({ '200': 2, '429': 1 });
  });

  it('gives up with throttled after maxAttempts 429s', async () => {
    const client = clientFor(standIn(), { maxAttempts: 3 });
    const listId = await client.createList('Segment');
    standIn().configure({ rateLimitPerSecond: 0.01 });
    await client.getLists(); // takes the only token for the next 100 s

    const error = await failureOf(client.subscribe(listId, subscribers(1)));

    expect(error).toBeInstanceOf(IterableError);
    expect(error).toMatchObject({ kind: 'throttled', attempts: 3, retryAfterMs: undefined });
    expect(answersOf(standIn(), SUBSCRIBE)).toEqual({ '429': 3 });
  });

  it('hands a Retry-After longer than its time budget back to the caller at once', async () => {
    const client = clientFor(standIn(), { maxAttempts: 4, retryBudgetMs: 5_000 });
    const listId = await client.createList('Segment');
    standIn().configure({ rateLimitPerSecond: 0.01, sendRetryAfter: true });
    await client.getLists();
    const startedAt = performance.now();

    const error = await failureOf(client.subscribe(listId, subscribers(1)));

    expect(performance.now() - startedAt).toBeLessThan(1000);
    expect(error).toMatchObject({ kind: 'throttled', attempts: 1 });
    expect((error as IterableError).retryAfterMs).toBeGreaterThan(5_000);
  });

  it('gives up with transient after maxAttempts 5xx answers', async () => {
    const client = clientFor(standIn(), { maxAttempts: 3 });
    const listId = await client.createList('Segment');
    standIn().configure({ failNext: 10, failStatus: 502 });

    const error = await failureOf(client.subscribe(listId, subscribers(1)));

    expect(error).toMatchObject({ kind: 'transient', iterableStatus: 502, attempts: 3 });
    expect(answersOf(standIn(), SUBSCRIBE)).toEqual({ '502': 3 });
  });

  it('never retries a rejected request', async () => {
    const client = clientFor(standIn(), { maxAttempts: 4 });

    const error = await failureOf(client.subscribe(424242, subscribers(1)));

    expect(error).toMatchObject({ kind: 'rejected', isInvalidListId: true, attempts: 1 });
    expect(answersOf(standIn(), SUBSCRIBE)).toEqual({ '400': 1 });
  });
});

describe('IterableClient createList retries', () => {
  const standIn = useStandIn({ faultEndpoints: ['POST /api/lists'] });

  it('does not repeat a create whose answer was lost, so no duplicate list appears', async () => {
    const client = clientFor(standIn(), { maxAttempts: 4 });
    standIn().configure({ failNext: 1, faultTiming: 'afterProcessing' });

    const error = await failureOf(client.createList('Segment'));

    expect(error).toMatchObject({ kind: 'transient', attempts: 1 });
    const lists = standIn().inspect({ members: false, users: false })[0]?.lists ?? [];
    expect(lists.map((list) => list.name)).toEqual(['Segment']);
  });

  it('repeats a create that was throttled, because a 429 did nothing', async () => {
    const client = clientFor(standIn(), { maxAttempts: 6, retryBaseDelayMs: 200 });
    standIn().configure({ rateLimitPerSecond: 20, rateLimitBurst: 1 });
    await client.getLists();

    const listId = await client.createList('Segment');

    expect(typeof listId).toBe('number');
    expect(answersOf(standIn(), 'POST /api/lists')['429']).toBeGreaterThanOrEqual(1);
    expect(standIn().inspect({ members: false, users: false })[0]?.lists).toHaveLength(1);
  });
});
