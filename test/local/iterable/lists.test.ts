import { call, createList, subscribe, useStandIn } from './fixtures';

describe('Iterable stand-in list endpoints', () => {
  const standIn = useStandIn();

  it('creates a Standard list and returns CreateListResponse {listId}', async () => {
    const before = Date.now();
    const created = await call(standIn(), 'POST', '/api/lists', {
      body: { name: 'VIP customers', description: 'from segment VIP' },
    });
    const { listId } = created.json as { listId: number };
    const lists = await call(standIn(), 'GET', '/api/lists');

    expect(created.status).toBe(200);
    expect(Number.isInteger(listId)).toBe(true);
    expect(lists.json).toEqual({
      lists: [
        {
          id: listId,
          name: 'VIP customers',
          description: 'from segment VIP',
          listType: 'Standard',
          createdAt: expect.any(Number) as number,
        },
      ],
    });
    const [list] = (lists.json as { lists: Array<{ createdAt: number }> }).lists;
    expect(list?.createdAt).toBeGreaterThanOrEqual(before);
  });

  it('creates a second list with an existing name because lists are keyed by id', async () => {
    const first = await createList(standIn(), 'Same name');
    const second = await createList(standIn(), 'Same name');

    const lists = await call(standIn(), 'GET', '/api/lists');

    expect(second).not.toBe(first);
    expect((lists.json as { lists: unknown[] }).lists).toHaveLength(2);
  });

  it('deletes a list and answers IterableApiResponse Success', async () => {
    const listId = await createList(standIn(), 'Temporary');

    const deleted = await call(standIn(), 'DELETE', `/api/lists/${listId}`);
    const lists = await call(standIn(), 'GET', '/api/lists');
    const again = await call(standIn(), 'DELETE', `/api/lists/${listId}`);

    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ msg: '', code: 'Success', params: null });
    expect(lists.json).toEqual({ lists: [] });
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ msg: `error.lists.invalidListId(${listId})` });
  });

  it('answers 400 BadParams when the list id in the path is not an integer', async () => {
    const reply = await call(standIn(), 'DELETE', '/api/lists/abc');

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({
      code: 'BadParams',
      msg: expect.stringContaining('listId') as string,
    });
  });

  it('answers getUsers, previewUsers and size as text/plain as the spec produces them', async () => {
    const listId = await createList(standIn(), 'Readers');
    await subscribe(standIn(), {
      listId,
      subscribers: [
        { email: 'b@example.com' },
        { email: 'a@example.com', userId: 'user-a' },
        { email: 'c@example.com' },
      ],
    });

    const users = await call(standIn(), 'GET', `/api/lists/getUsers?listId=${listId}`);
    const preferUserId = await call(
      standIn(),
      'GET',
      `/api/lists/getUsers?listId=${listId}&preferUserId=true`,
    );
    const preview = await call(standIn(), 'GET', `/api/lists/previewUsers?listId=${listId}&size=2`);
    const size = await call(standIn(), 'GET', `/api/lists/${listId}/size`);

    expect(users.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(users.text.split('\n').sort()).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ]);
    expect(preferUserId.text.split('\n').sort()).toEqual([
      'b@example.com',
      'c@example.com',
      'user-a',
    ]);
    expect(preview.text.split('\n')).toHaveLength(2);
    expect(size.text).toBe('3');
  });

  it('answers 400 BadParams when getUsers has no listId', async () => {
    const reply = await call(standIn(), 'GET', '/api/lists/getUsers');

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({
      code: 'BadParams',
      msg: expect.stringContaining('listId') as string,
    });
  });

  it('limits the list reads to the published 5 requests per minute per project and endpoint', async () => {
    const listId = await createList(standIn(), 'Counted');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push((await call(standIn(), 'GET', `/api/lists/${listId}/size`)).status);
    }
    const otherEndpoint = await call(standIn(), 'GET', `/api/lists/getUsers?listId=${listId}`);
    const listsStillFine = await call(standIn(), 'GET', '/api/lists');

    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(otherEndpoint.status).toBe(200);
    expect(listsStillFine.status).toBe(200);
  });

  it('answers 404 NotFound in Iterable shape for a path that is no list endpoint', async () => {
    const reply = await call(standIn(), 'GET', '/api/lists/getUsers/extra');

    expect(reply.status).toBe(404);
    expect(reply.json).toMatchObject({ code: 'NotFound' });
  });
});
