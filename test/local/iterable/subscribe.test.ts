import {
  API_KEY,
  call,
  createList,
  emptyFailedUpdates,
  membersOf,
  subscribe,
  useStandIn,
} from './fixtures';

interface BulkReply {
  successCount: number;
  failCount: number;
  failedUpdates: Record<string, string[]>;
  invalidEmails: string[];
  createdFields: string[];
}

/** The project's users by e-mail, as `GET /_standin/lists` shows them. */
async function usersOf(standIn: Parameters<typeof membersOf>[0]) {
  const reply = await call(standIn, 'GET', '/_standin/lists', { apiKey: null });
  const { projects } = reply.json as {
    projects: Array<{ users: Array<{ email: string; userId?: string; dataFields: unknown }> }>;
  };
  return Object.fromEntries((projects[0]?.users ?? []).map((user) => [user.email, user]));
}

describe('Iterable stand-in POST /api/lists/subscribe', () => {
  const standIn = useStandIn();

  it('creates new users, adds them to the list and answers UserBulkUpdateListResponse', async () => {
    const listId = await createList(standIn(), 'Segment');

    const reply = await subscribe(standIn(), {
      listId,
      subscribers: [
        { email: 'ann@example.com', dataFields: { firstName: 'Ann' } },
        { email: 'bob@example.com' },
      ],
    });

    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      successCount: 2,
      failCount: 0,
      failedUpdates: emptyFailedUpdates(),
      invalidEmails: [],
      invalidUserIds: [],
      createdFields: ['firstName'],
      filteredOutFields: [],
    });
    expect(await membersOf(standIn(), listId)).toEqual(['ann@example.com', 'bob@example.com']);
  });

  it('merges dataFields into an existing user instead of replacing them', async () => {
    const listId = await createList(standIn(), 'Segment');
    await subscribe(standIn(), {
      listId,
      subscribers: [{ email: 'ann@example.com', dataFields: { firstName: 'Ann', tier: 'gold' } }],
    });

    const again = await subscribe(standIn(), {
      listId,
      subscribers: [{ email: 'ann@example.com', dataFields: { tier: 'platinum', city: 'Oslo' } }],
    });

    expect((again.json as BulkReply).successCount).toBe(1);
    expect((again.json as BulkReply).createdFields).toEqual(['city']);
    expect((await usersOf(standIn()))['ann@example.com']).toEqual({
      email: 'ann@example.com',
      dataFields: { firstName: 'Ann', tier: 'platinum', city: 'Oslo' },
    });
    expect(await membersOf(standIn(), listId)).toEqual(['ann@example.com']);
  });

  it('merges nested objects one level deep only when mergeNestedObjects is true', async () => {
    const listId = await createList(standIn(), 'Segment');
    const first = { mySettings: { mobile: true } };
    await subscribe(standIn(), {
      listId,
      subscribers: [{ email: 'a@example.com', dataFields: first }],
    });
    await subscribe(standIn(), {
      listId,
      subscribers: [{ email: 'b@example.com', dataFields: first }],
    });

    await subscribe(standIn(), {
      listId,
      subscribers: [
        { email: 'a@example.com', dataFields: { mySettings: { email: true } } },
        {
          email: 'b@example.com',
          dataFields: { mySettings: { email: true } },
          mergeNestedObjects: true,
        },
      ],
    });

    const users = await usersOf(standIn());
    expect(users['a@example.com']?.dataFields).toEqual({ mySettings: { email: true } });
    expect(users['b@example.com']?.dataFields).toEqual({
      mySettings: { mobile: true, email: true },
    });
  });

  it('reports invalid e-mails in failedUpdates.invalidEmails and counts them as failures', async () => {
    const listId = await createList(standIn(), 'Segment');

    const reply = await subscribe(standIn(), {
      listId,
      subscribers: [
        { email: 'good@example.com' },
        { email: 'not-an-email' },
        { email: 'two@@example.com' },
        { email: 'also.good@example.org' },
      ],
    });

    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      successCount: 2,
      failCount: 2,
      failedUpdates: {
        ...emptyFailedUpdates(),
        invalidEmails: ['not-an-email', 'two@@example.com'],
      },
      invalidEmails: ['not-an-email', 'two@@example.com'],
    });
    expect(await membersOf(standIn(), listId)).toEqual([
      'also.good@example.org',
      'good@example.com',
    ]);
  });

  it('reports unknown users as notFoundEmails when updateExistingUsersOnly is true', async () => {
    const listId = await createList(standIn(), 'Segment');
    await subscribe(standIn(), { listId, subscribers: [{ email: 'known@example.com' }] });
    const other = await createList(standIn(), 'Other');

    const reply = await subscribe(standIn(), {
      listId: other,
      updateExistingUsersOnly: true,
      subscribers: [{ email: 'known@example.com' }, { email: 'new@example.com' }],
    });

    expect(reply.json).toMatchObject({
      successCount: 1,
      failCount: 1,
      failedUpdates: { notFoundEmails: ['new@example.com'] },
    });
    expect(await membersOf(standIn(), other)).toEqual(['known@example.com']);
  });

  it('reports a data field of another type than before as invalidDataEmails', async () => {
    const listId = await createList(standIn(), 'Segment');
    await subscribe(standIn(), {
      listId,
      subscribers: [{ email: 'a@example.com', dataFields: { age: 41 } }],
    });

    const reply = await subscribe(standIn(), {
      listId,
      subscribers: [{ email: 'b@example.com', dataFields: { age: 'forty' } }],
    });

    expect(reply.json).toMatchObject({
      successCount: 0,
      failCount: 1,
      failedUpdates: { invalidDataEmails: ['b@example.com'] },
    });
  });

  it('refuses GDPR-forgotten users as forgottenEmails', async () => {
    const listId = await createList(standIn(), 'Segment');
    await call(standIn(), 'POST', '/_standin/forget', {
      apiKey: null,
      body: { apiKey: API_KEY, emails: ['gone@example.com'] },
    });

    const reply = await subscribe(standIn(), {
      listId,
      subscribers: [{ email: 'gone@example.com' }],
    });

    expect(reply.json).toMatchObject({
      failCount: 1,
      failedUpdates: { forgottenEmails: ['gone@example.com'] },
    });
  });

  it('reports a userId that belongs to another user as conflictUserIds', async () => {
    const listId = await createList(standIn(), 'Segment');
    await subscribe(standIn(), { listId, subscribers: [{ email: 'a@example.com', userId: 'u1' }] });

    const reply = await subscribe(standIn(), {
      listId,
      subscribers: [
        { email: 'b@example.com', userId: 'u1' },
        { userId: 'u1' },
        { userId: 'nobody' },
      ],
    });

    expect(reply.json).toMatchObject({
      successCount: 1,
      failCount: 2,
      failedUpdates: { conflictUserIds: ['u1'], notFoundUserIds: ['nobody'] },
      invalidUserIds: ['u1', 'nobody'],
    });
  });

  it('answers 400 invalidListId with code BadParams when the list does not exist', async () => {
    const reply = await subscribe(standIn(), {
      listId: 987654,
      subscribers: [{ email: 'a@example.com' }],
    });

    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      msg: 'error.lists.invalidListId(987654)',
      code: 'BadParams',
      params: { projectId: 1, listId: 987654 },
    });
  });

  it('answers 400 for a Dynamic list because only static lists take subscribers', async () => {
    const seeded = await call(standIn(), 'POST', '/_standin/lists', {
      apiKey: null,
      body: { apiKey: API_KEY, name: 'Segment', listType: 'Dynamic' },
    });
    const { listId } = seeded.json as { listId: number };

    const reply = await subscribe(standIn(), { listId, subscribers: [{ email: 'a@example.com' }] });

    expect(seeded.status).toBe(201);
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ code: 'BadParams' });
  });
});
