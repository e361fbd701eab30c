import type { IterableStandIn } from '../../../local/iterable/server';
import {
  call,
  createList,
  emptyFailedUpdates,
  membersOf,
  subscribe,
  unsubscribe,
  useStandIn,
} from './fixtures';

interface InspectedProject {
  channelUnsubscribes: Array<{ email: string; listId: number; campaignId?: number; at: string }>;
}

async function channelUnsubscribes(standIn: IterableStandIn) {
  const reply = await call(standIn, 'GET', '/_standin/lists', { apiKey: null });
  return (reply.json as { projects: InspectedProject[] }).projects[0]?.channelUnsubscribes;
}

async function listWith(standIn: IterableStandIn, emails: string[]): Promise<number> {
  const listId = await createList(standIn, 'Segment');
  await subscribe(standIn, { listId, subscribers: emails.map((email) => ({ email })) });
  return listId;
}

describe('Iterable stand-in POST /api/lists/unsubscribe', () => {
  const standIn = useStandIn();

  it('removes members from the list and keeps their channel subscription when channelUnsubscribe is false', async () => {
    const listId = await listWith(standIn(), ['a@example.com', 'b@example.com']);

    const reply = await unsubscribe(standIn(), {
      listId,
      channelUnsubscribe: false,
      subscribers: [{ email: 'a@example.com' }],
    });

    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      successCount: 1,
      failCount: 0,
      failedUpdates: emptyFailedUpdates(),
      invalidEmails: [],
      invalidUserIds: [],
      createdFields: [],
      filteredOutFields: [],
    });
    expect(await membersOf(standIn(), listId)).toEqual(['b@example.com']);
    expect(await channelUnsubscribes(standIn())).toEqual([]);
    expect(standIn().stats().channelUnsubscribes).toBe(0);
  });

  it('records a channel-wide unsubscribe when channelUnsubscribe is true', async () => {
    const listId = await listWith(standIn(), ['a@example.com']);

    await unsubscribe(standIn(), {
      listId,
      channelUnsubscribe: true,
      campaignId: 42,
      subscribers: [{ email: 'a@example.com' }],
    });

    expect(await membersOf(standIn(), listId)).toEqual([]);
    expect(await channelUnsubscribes(standIn())).toEqual([
      { email: 'a@example.com', listId, campaignId: 42, at: expect.any(String) as string },
    ]);
    expect(standIn().stats().channelUnsubscribes).toBe(1);
  });

  it('counts a known user who is not a member as a success', async () => {
    const listId = await listWith(standIn(), ['a@example.com']);
    const other = await createList(standIn(), 'Other');

    const reply = await unsubscribe(standIn(), {
      listId: other,
      subscribers: [{ email: 'a@example.com' }],
    });

    expect(reply.json).toMatchObject({ successCount: 1, failCount: 0 });
    expect(await membersOf(standIn(), listId)).toEqual(['a@example.com']);
  });

  it('reports unknown users as notFoundEmails and malformed ones as invalidEmails', async () => {
    const listId = await listWith(standIn(), ['a@example.com']);

    const reply = await unsubscribe(standIn(), {
      listId,
      subscribers: [
        { email: 'nobody@example.com' },
        { email: 'broken' },
        { email: 'A@example.com' },
      ],
    });

    expect(reply.json).toMatchObject({
      successCount: 1,
      failCount: 2,
      failedUpdates: { notFoundEmails: ['nobody@example.com'], invalidEmails: ['broken'] },
      invalidEmails: ['nobody@example.com', 'broken'],
    });
    expect(await membersOf(standIn(), listId)).toEqual([]);
  });

  it('answers 400 invalidListId when the list does not exist', async () => {
    const reply = await unsubscribe(standIn(), {
      listId: 31337,
      subscribers: [{ email: 'a@example.com' }],
    });

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({
      code: 'BadParams',
      msg: 'error.lists.invalidListId(31337)',
    });
  });
});
