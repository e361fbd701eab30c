import { API_KEY, call, createList, OTHER_API_KEY, useStandIn } from './fixtures';

const BAD_API_KEY = { msg: 'Invalid API key', code: 'BadApiKey', params: null };

describe('Iterable stand-in authentication', () => {
  const standIn = useStandIn();

  it('answers 401 BadApiKey in IterableApiResponse shape when the Api-Key header is missing', async () => {
    const reply = await call(standIn(), 'GET', '/api/lists', { apiKey: null });

    expect(reply.status).toBe(401);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.json).toEqual(BAD_API_KEY);
  });

  it('answers 401 BadApiKey when the key is unknown', async () => {
    const reply = await call(standIn(), 'POST', '/api/lists/subscribe', {
      apiKey: 'not-a-key',
      body: { listId: 1, subscribers: [] },
    });

    expect(reply.status).toBe(401);
    expect(reply.json).toEqual(BAD_API_KEY);
  });

  it('ignores an api_key query parameter because the spec defines only the Api-Key header', async () => {
    const reply = await call(standIn(), 'GET', `/api/lists?api_key=${API_KEY}`, { apiKey: null });

    expect(reply.status).toBe(401);
  });

  it('accepts a key added at runtime through POST /_standin/keys', async () => {
    const added = await call(standIn(), 'POST', '/_standin/keys', {
      apiKey: null,
      body: { apiKey: OTHER_API_KEY },
    });
    const lists = await call(standIn(), 'GET', '/api/lists', { apiKey: OTHER_API_KEY });

    expect(added.status).toBe(201);
    expect(added.json).toEqual({ projectId: 2, key: '…3210' });
    expect(lists.status).toBe(200);
    expect(lists.json).toEqual({ lists: [] });
  });

  it('keeps each key its own project so lists of one key are invisible to another', async () => {
    standIn().addApiKey(OTHER_API_KEY);
    const listId = await createList(standIn(), 'Mine');

    const mine = await call(standIn(), 'GET', '/api/lists');
    const theirs = await call(standIn(), 'GET', '/api/lists', { apiKey: OTHER_API_KEY });
    const subscribeToMine = await call(standIn(), 'POST', '/api/lists/subscribe', {
      apiKey: OTHER_API_KEY,
      body: { listId, subscribers: [{ email: 'a@example.com' }] },
    });

    expect(mine.json).toEqual({ lists: [expect.objectContaining({ id: listId, name: 'Mine' })] });
    expect(theirs.json).toEqual({ lists: [] });
    expect(subscribeToMine.status).toBe(400);
    expect(subscribeToMine.json).toMatchObject({ msg: `error.lists.invalidListId(${listId})` });
  });
});
