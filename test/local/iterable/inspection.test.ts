import {
  API_KEY,
  call,
  createList,
  OTHER_API_KEY,
  subscribe,
  unsubscribe,
  useStandIn,
} from './fixtures';

describe('Iterable stand-in inspection and admin routes', () => {
  const standIn = useStandIn();

  it('shows every list with its members sorted and the users with their data fields', async () => {
    const listId = await createList(standIn(), 'Segment');
    await subscribe(standIn(), {
      listId,
      subscribers: [
        { email: 'zoe@example.com', dataFields: { n: 3 } },
        { email: 'Adam@Example.com', dataFields: { n: 1 } },
        { email: 'mia@example.com', userId: 'mia-1', dataFields: { n: 2 } },
      ],
    });

    const reply = await call(standIn(), 'GET', '/_standin/lists', { apiKey: null });

    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      projects: [
        {
          projectId: 1,
          key: '…cdef',
          lists: [
            {
              id: listId,
              name: 'Segment',
              listType: 'Standard',
              createdAt: expect.any(Number) as number,
              size: 3,
              members: ['adam@example.com', 'mia@example.com', 'zoe@example.com'],
            },
          ],
          users: [
            { email: 'adam@example.com', dataFields: { n: 1 } },
            { email: 'mia@example.com', userId: 'mia-1', dataFields: { n: 2 } },
            { email: 'zoe@example.com', dataFields: { n: 3 } },
          ],
          channelUnsubscribes: [],
          forgotten: [],
        },
      ],
    });
  });

  it('never shows a whole API key, not even a short one', async () => {
    standIn().addApiKey(OTHER_API_KEY);
    standIn().addApiKey('abc');

    const reply = await call(standIn(), 'GET', '/_standin/lists', { apiKey: null });

    expect(reply.text).not.toContain(API_KEY);
    expect(reply.text).not.toContain(OTHER_API_KEY);
    expect(reply.text).not.toContain('abc');
    const keys = (reply.json as { projects: Array<{ key: string }> }).projects.map((p) => p.key);
    expect(keys).toEqual(['…cdef', '…3210', '…c']);
  });

  it('leaves members out with members=false and users out with users=false', async () => {
    const listId = await createList(standIn(), 'Segment');
    await subscribe(standIn(), { listId, subscribers: [{ email: 'a@example.com' }] });

    const withoutMembers = await call(standIn(), 'GET', '/_standin/lists?members=false', {
      apiKey: null,
    });
    const withoutUsers = await call(standIn(), 'GET', '/_standin/lists?users=false', {
      apiKey: null,
    });

    type Inspected = {
      projects: Array<{ users?: unknown; lists: Array<Record<string, unknown>> }>;
    };
    const [lean] = (withoutMembers.json as Inspected).projects;
    const [membersOnly] = (withoutUsers.json as Inspected).projects;
    expect(lean?.lists).toEqual([
      {
        id: listId,
        name: 'Segment',
        listType: 'Standard',
        createdAt: expect.any(Number) as number,
        size: 1,
      },
    ]);
    expect(lean?.users).toEqual([{ email: 'a@example.com', dataFields: {} }]);
    expect(membersOnly?.lists[0]?.members).toEqual(['a@example.com']);
    expect(membersOnly?.users).toBeUndefined();
  });

  it('counts requests by endpoint and status and the subscribers received', async () => {
    const listId = await createList(standIn(), 'Segment');
    await subscribe(standIn(), {
      listId,
      subscribers: [{ email: 'a@example.com' }, { email: 'b@example.com' }],
    });
    await unsubscribe(standIn(), { listId, subscribers: [{ email: 'a@example.com' }] });
    await call(standIn(), 'GET', '/api/lists', { apiKey: 'wrong' });

    const reply = await call(standIn(), 'GET', '/_standin/stats', { apiKey: null });

    expect(reply.json).toEqual({
      requests: {
        'POST /api/lists': { '200': 1 },
        'POST /api/lists/subscribe': { '200': 1 },
        'POST /api/lists/unsubscribe': { '200': 1 },
        'GET /api/lists': { '401': 1 },
      },
      rateLimited: 0,
      injectedFaults: 0,
      subscribersReceived: 2,
      unsubscribersReceived: 1,
      channelUnsubscribes: 0,
    });
  });

  it('forgets users through POST /_standin/forget, removing them from every list', async () => {
    const listId = await createList(standIn(), 'Segment');
    await subscribe(standIn(), { listId, subscribers: [{ email: 'a@example.com' }] });

    const forget = await call(standIn(), 'POST', '/_standin/forget', {
      apiKey: null,
      body: { apiKey: API_KEY, emails: ['a@example.com'] },
    });
    const reply = await call(standIn(), 'GET', '/_standin/lists', { apiKey: null });

    expect(forget.status).toBe(200);
    expect(reply.json).toMatchObject({
      projects: [{ lists: [{ size: 0, members: [] }], users: [], forgotten: ['a@example.com'] }],
    });
  });

  it('clears lists, users, stats, added keys and knobs on POST /_standin/reset', async () => {
    standIn().addApiKey(OTHER_API_KEY);
    standIn().configure({ latencyMs: 5 });
    await createList(standIn(), 'Segment');

    const reset = await call(standIn(), 'POST', '/_standin/reset', { apiKey: null });
    const lists = await call(standIn(), 'GET', '/api/lists');
    const otherKey = await call(standIn(), 'GET', '/api/lists', { apiKey: OTHER_API_KEY });

    expect(reset.status).toBe(200);
    expect(lists.json).toEqual({ lists: [] });
    expect(otherKey.status).toBe(401);
    expect(standIn().stats().requests).toEqual({
      'GET /api/lists': { '200': 1, '401': 1 },
    });
    expect((await call(standIn(), 'GET', '/_standin/config', { apiKey: null })).json).toMatchObject(
      {
        latencyMs: 0,
      },
    );
  });

  it('answers 404 for an unknown stand-in route', async () => {
    const reply = await call(standIn(), 'GET', '/_standin/nothing', { apiKey: null });

    expect(reply.status).toBe(404);
  });
});
