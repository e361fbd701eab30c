import { IterableClient } from '../../../../shared/clients/iterable/iterable-client';
import { API_KEY, answersOf, clientFor, membersOf, useStandIn } from './fixtures';

describe('IterableClient lists', () => {
  const standIn = useStandIn();

  it('creates a list, finds it in getLists, deletes it, and reports a second delete as false', async () => {
    const client = clientFor(standIn());

    const listId = await client.createList('Newsletter readers');
    const lists = await client.getLists();
    const deleted = await client.deleteList(listId);
    const deletedAgain = await client.deleteList(listId);
    const afterwards = await client.getLists();

    expect(lists).toEqual([
      expect.objectContaining({ id: listId, name: 'Newsletter readers', listType: 'Standard' }),
    ]);
    expect(typeof lists[0]?.createdAt).toBe('number');
    expect(deleted).toBe(true);
    expect(deletedAgain).toBe(false);
    expect(afterwards).toEqual([]);
  });

  it('accepts a base URL with a trailing slash', async () => {
    const client = new IterableClient({ baseUrl: `${standIn().url}/`, apiKey: API_KEY });

    await expect(client.getLists()).resolves.toEqual([]);
  });
});

describe('IterableClient subscribe', () => {
  const standIn = useStandIn();

  it('adds valid subscribers with their data fields and reports invalid e-mails as failures', async () => {
    const client = clientFor(standIn());
    const listId = await client.createList('Segment');

    const result = await client.subscribe(listId, [
      { email: 'ada@example.com', dataFields: { plan: 'pro' } },
      { email: 'not-an-email' },
      { email: 'bob@example.com' },
    ]);

    expect(result).toEqual({
      successCount: 2,
      failCount: 1,
      failures: [{ email: 'not-an-email', reason: 'invalidEmails' }],
    });
    expect(membersOf(standIn(), listId)).toEqual(['ada@example.com', 'bob@example.com']);
    const users = standIn().inspect({ members: false })[0]?.users;
    expect(users).toContainEqual({ email: 'ada@example.com', dataFields: { plan: 'pro' } });
  });

  it('reports a data field of the wrong type under invalidDataEmails', async () => {
    const client = clientFor(standIn());
    const listId = await client.createList('Segment');
    await client.subscribe(listId, [{ email: 'ada@example.com', dataFields: { age: 36 } }]);

    const result = await client.subscribe(listId, [
      { email: 'bob@example.com', dataFields: { age: 'forty' } },
    ]);

    expect(result).toEqual({
      successCount: 0,
      failCount: 1,
      failures: [{ email: 'bob@example.com', reason: 'invalidDataEmails' }],
    });
  });

  it('sends nothing for an empty batch', async () => {
    const client = clientFor(standIn());

    const result = await client.subscribe(1, []);

    expect(result).toEqual({ successCount: 0, failCount: 0, failures: [] });
    expect(answersOf(standIn(), 'POST /api/lists/subscribe')).toEqual({});
  });
});

describe('IterableClient unsubscribe', () => {
  const standIn = useStandIn();

  it('removes members from the list only, never unsubscribing them from the channel', async () => {
    const client = clientFor(standIn());
    const listId = await client.createList('Segment');
    await client.subscribe(listId, [
      { email: 'ada@example.com' },
      { email: 'bob@example.com' },
      { email: 'cy@example.com' },
    ]);

    const result = await client.unsubscribe(listId, [
      'ada@example.com',
      'cy@example.com',
      'nobody@example.com',
      'broken@',
    ]);

    expect(result).toEqual({
      successCount: 2,
      failCount: 2,
      failures: [
        { email: 'broken@', reason: 'invalidEmails' },
        { email: 'nobody@example.com', reason: 'notFoundEmails' },
      ],
    });
    expect(membersOf(standIn(), listId)).toEqual(['bob@example.com']);
    expect(standIn().inspect({ members: false, users: false })[0]?.channelUnsubscribes).toEqual([]);
    expect(standIn().stats().channelUnsubscribes).toBe(0);
  });
});
