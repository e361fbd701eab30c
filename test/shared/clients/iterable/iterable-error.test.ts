import { DependencyError, AppError } from '../../../../shared/errors';
import {
  classifyIterableFailure,
  IterableError,
  parseRetryAfterMs,
} from '../../../../shared/clients/iterable/iterable-error';
import { startIterableStandIn } from '../../../../local/iterable/server';
import { API_KEY, answersOf, clientFor, everythingIn, failureOf, useStandIn } from './fixtures';

const context = { operation: 'POST /api/lists/subscribe', apiKey: API_KEY };

function statusFailure(status: number, body: unknown, retryAfter?: string) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return classifyIterableFailure({ outcome: 'status', status, body: text, retryAfter }, context);
}

describe('classifyIterableFailure', () => {
  it.each([
    [401, 'BadApiKey', 'auth'],
    [403, 'Forbidden', 'auth'],
    [400, 'BadApiKey', 'auth'],
    [400, 'BadParams', 'rejected'],
    [400, 'BadJsonBody', 'rejected'],
    [409, 'GenericError', 'rejected'],
    [413, 'BatchTooLarge', 'rejected'],
    [429, 'RateLimitExceeded', 'throttled'],
    [400, 'RateLimitExceeded', 'throttled'],
    [408, 'GenericError', 'transient'],
    [500, 'GenericError', 'transient'],
    [503, 'GenericError', 'transient'],
  ])('classifies HTTP %i %s as %s', (status, code, kind) => {
    const error = statusFailure(status, { code, msg: 'x', params: null });

    expect(error.kind).toBe(kind);
    expect(error.iterableStatus).toBe(status);
    expect(error.iterableCode).toBe(code);
    expect(error.retryable).toBe(kind === 'throttled' || kind === 'transient');
  });

  it.each(['BadParams', 'Success'])(
    'recognises invalidListId by its msg even when the code is %s',
    (code) => {
      const error = statusFailure(400, {
        code,
        msg: 'error.lists.invalidListId(42)',
        params: { listId: 42 },
      });

      expect(error.kind).toBe('rejected');
      expect(error.isInvalidListId).toBe(true);
    },
  );

  it('classifies a gateway page that is not JSON by its status alone', () => {
    const error = statusFailure(502, '<html>Bad gateway</html>');

    expect(error.kind).toBe('transient');
    expect(error.iterableCode).toBeUndefined();
    expect(error.message).toBe('Iterable answered POST /api/lists/subscribe with HTTP 502');
  });

  it('keeps Retry-After as milliseconds', () => {
    expect(statusFailure(429, { code: 'RateLimitExceeded', msg: '' }, '2').retryAfterMs).toBe(2000);
  });

  it('treats an unreadable 200 and a missing answer as transient', () => {
    const unreadable = classifyIterableFailure(
      { outcome: 'unreadable', status: 200, problem: 'not JSON' },
      context,
    );
    const noAnswer = classifyIterableFailure(
      {
        outcome: 'noAnswer',
        error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      },
      context,
    );

    expect(unreadable.kind).toBe('transient');
    expect(noAnswer.kind).toBe('transient');
    expect(noAnswer.cause).toMatchObject({ message: 'socket hang up', code: 'ECONNRESET' });
  });

  it('removes the API key from anything Iterable or the network stack put in a message', () => {
    const fromIterable = statusFailure(400, { code: 'BadParams', msg: `key ${API_KEY} is odd` });
    const secretHolder = Object.assign(new Error(`request with Api-Key ${API_KEY} failed`), {
      headers: { 'Api-Key': API_KEY },
    });
    const fromNetwork = classifyIterableFailure(
      { outcome: 'noAnswer', error: secretHolder },
      context,
    );

    expect(everythingIn(fromIterable)).not.toContain(API_KEY);
    expect(everythingIn(fromNetwork)).not.toContain(API_KEY);
    expect(fromIterable.message).toContain('[redacted]');
  });

  it('is an AppError that answers 502 DependencyFailed should it reach an HTTP route', () => {
    const error = statusFailure(401, { code: 'BadApiKey', msg: 'Invalid API key' });

    expect(error).toBeInstanceOf(AppError);
    expect(error).not.toBeInstanceOf(DependencyError);
    expect(error.status).toBe(502);
    expect(error.code).toBe('DependencyFailed');
  });
});

describe('parseRetryAfterMs', () => {
  it('reads delay-seconds, an HTTP date, and ignores anything else', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');

    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs('0.5', now)).toBe(500);
    expect(parseRetryAfterMs('Wed, 01 Jan 2025 00:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfterMs('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('IterableClient failures against the stand-in', () => {
  const standIn = useStandIn();

  it('fails with auth, without retrying, when Iterable rejects the key', async () => {
    const wrongKey = 'wrong-key-0000000000000000';
    const client = clientFor(standIn(), { apiKey: wrongKey });

    const error = await failureOf(client.getLists());

    expect(error).toBeInstanceOf(IterableError);
    expect(error).toMatchObject({ kind: 'auth', iterableStatus: 401, iterableCode: 'BadApiKey' });
    expect(answersOf(standIn(), 'GET /api/lists')).toEqual({ '401': 1 });
    expect(everythingIn(error)).not.toContain(wrongKey);
  });

  it('fails with rejected, without retrying, on a 400 BadParams', async () => {
    const client = clientFor(standIn());

    const error = await failureOf(client.createList('   '));

    expect(error).toMatchObject({
      kind: 'rejected',
      iterableStatus: 400,
      iterableCode: 'BadParams',
    });
    expect(answersOf(standIn(), 'POST /api/lists')).toEqual({ '400': 1 });
  });

  it('fails with throttled on a 429', async () => {
    standIn().configure({ rateLimitPerSecond: 0.01 });
    const client = clientFor(standIn(), { maxAttempts: 1 });
    await client.getLists();

    const error = await failureOf(client.getLists());

    expect(error).toMatchObject({
      kind: 'throttled',
      iterableStatus: 429,
      iterableCode: 'RateLimitExceeded',
    });
  });

  it('fails with transient on a 503', async () => {
    standIn().configure({ failNext: 1, failStatus: 503 });
    const client = clientFor(standIn(), { maxAttempts: 1 });

    const error = await failureOf(client.getLists());

    expect(error).toMatchObject({
      kind: 'transient',
      iterableStatus: 503,
      iterableCode: 'GenericError',
    });
  });

  it('fails with transient when the connection drops without an answer', async () => {
    standIn().configure({ dropNext: 1 });
    const client = clientFor(standIn(), { maxAttempts: 1 });

    const error = await failureOf(client.subscribe(1, [{ email: 'ada@example.com' }]));

    expect(error).toMatchObject({ kind: 'transient', iterableStatus: undefined });
    expect((error as IterableError).cause).toBeInstanceOf(Error);
    expect(answersOf(standIn(), 'POST /api/lists/subscribe')).toEqual({ dropped: 1 });
  });

  it('fails with transient when the answer takes longer than the request timeout', async () => {
    standIn().configure({ latencyMs: 300 });
    const client = clientFor(standIn(), { maxAttempts: 1, requestTimeoutMs: 100 });

    const error = await failureOf(client.getLists());

    expect(error).toMatchObject({ kind: 'transient', iterableStatus: undefined });
    expect((error as IterableError).message).toMatch(/timeout/i);
  });

  it('fails with transient when nothing listens at the base URL', async () => {
    const closed = await startIterableStandIn();
    await closed.close();
    const client = clientFor(closed, { maxAttempts: 1 });

    const error = await failureOf(client.getLists());

    expect(error).toMatchObject({ kind: 'transient' });
    expect((error as IterableError).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('puts the API key in no error, message, stack or cause', async () => {
    const client = clientFor(standIn(), { maxAttempts: 1, requestTimeoutMs: 100 });
    const errors: unknown[] = [];
    errors.push(await failureOf(client.createList('')));
    standIn().configure({ failNext: 1 });
    errors.push(await failureOf(client.getLists()));
    standIn().configure({ dropNext: 1 });
    errors.push(await failureOf(client.getLists()));
    errors.push(await failureOf(client.subscribe(999, [{ email: 'ada@example.com' }])));
    standIn().configure({ latencyMs: 300 });
    errors.push(await failureOf(client.getLists()));

    expect(errors).toHaveLength(5);
    for (const error of errors) {
      expect(error).toBeInstanceOf(IterableError);
      expect(everythingIn(error)).not.toContain(API_KEY);
    }
  });
});
