import { IterableError } from '../../../../shared/clients/iterable/iterable-error';
import { answersOf, clientFor, failureOf, membersOf, subscribers, useStandIn } from './fixtures';

const SUBSCRIBE = 'POST /api/lists/subscribe';

describe.each(['BadParams', 'Success'] as const)(
  'IterableClient just after creating a list (invalidListId code %s)',
  (invalidListIdCode) => {
    const standIn = useStandIn({ newListReadyAfterMs: 400, invalidListIdCode });

    it('retries invalidListId inside the grace window until the list is ready', async () => {
      const client = clientFor(standIn(), { newListGraceMs: 3_000, maxAttempts: 1 });
      const createdAt = performance.now();
      const listId = await client.createList('Fresh');

      const result = await client.subscribe(listId, subscribers(2));

      expect(result.successCount).toBe(2);
      expect(performance.now() - createdAt).toBeGreaterThanOrEqual(400);
      expect(answersOf(standIn(), SUBSCRIBE)['400']).toBeGreaterThanOrEqual(1);
      expect(membersOf(standIn(), listId)).toHaveLength(2);
    });
  },
);

describe('IterableClient new-list grace window', () => {
  const standIn = useStandIn({ newListReadyAfterMs: 400 });

  it('applies the window to a list another process created when told its creation time', async () => {
    const listId = await clientFor(standIn()).createList('Fresh');
    const otherProcess = clientFor(standIn(), { newListGraceMs: 3_000 });

    const result = await otherProcess.unsubscribe(listId, ['ada@example.com'], {
      listCreatedAt: Date.now(),
    });

    expect(result.failures).toEqual([{ email: 'ada@example.com', reason: 'notFoundEmails' }]);
    expect(answersOf(standIn(), 'POST /api/lists/unsubscribe')['400']).toBeGreaterThanOrEqual(1);
  });

  it('rejects with isInvalidListId once the window has passed without the list becoming ready', async () => {
    standIn().configure({ newListReadyAfterMs: 60_000 });
    const client = clientFor(standIn(), { newListGraceMs: 300 });
    const listId = await client.createList('Never ready');
    const startedAt = performance.now();

    const error = await failureOf(client.subscribe(listId, subscribers(1)));
    const waited = performance.now() - startedAt;

    expect(error).toBeInstanceOf(IterableError);
    expect(error).toMatchObject({ kind: 'rejected', isInvalidListId: true });
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(1_000);
  });

  it('rejects invalidListId at once for a list created before the window', async () => {
    const client = clientFor(standIn(), { newListGraceMs: 3_000 });

    const error = await failureOf(
      client.subscribe(777, subscribers(1), { listCreatedAt: Date.now() - 60_000 }),
    );

    expect(error).toMatchObject({ kind: 'rejected', isInvalidListId: true, attempts: 1 });
    expect(answersOf(standIn(), SUBSCRIBE)).toEqual({ '400': 1 });
  });
});
