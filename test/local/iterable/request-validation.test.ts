import { call, createList, subscribe, unsubscribe, useStandIn } from './fixtures';

describe('Iterable stand-in request validation', () => {
  const standIn = useStandIn();

  it('answers 400 BadParams naming subscribers when subscribers is a string', async () => {
    const listId = await createList(standIn(), 'Segment');

    const reply = await subscribe(standIn(), { listId, subscribers: 'a@example.com' });

    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      code: 'BadParams',
      msg: expect.stringContaining('subscribers') as string,
      params: null,
    });
  });

  it('answers 400 BadParams naming listId when listId is missing', async () => {
    const reply = await subscribe(standIn(), { subscribers: [{ email: 'a@example.com' }] });

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({
      code: 'BadParams',
      msg: expect.stringContaining('listId') as string,
    });
  });

  it('answers 400 BadParams when listId is a string instead of an int64', async () => {
    const listId = await createList(standIn(), 'Segment');

    const reply = await unsubscribe(standIn(), { listId: String(listId), subscribers: [] });

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({
      code: 'BadParams',
      msg: expect.stringContaining('listId') as string,
    });
  });

  it('answers 400 BadParams naming the entry when a subscriber has neither email nor userId', async () => {
    const listId = await createList(standIn(), 'Segment');

    const reply = await subscribe(standIn(), {
      listId,
      subscribers: [{ email: 'a@example.com' }, { dataFields: { x: 1 } }],
    });

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({
      code: 'BadParams',
      msg: expect.stringContaining('subscribers[1]') as string,
    });
  });

  it('answers 400 BadParams when dataFields is an array', async () => {
    const listId = await createList(standIn(), 'Segment');

    const reply = await subscribe(standIn(), {
      listId,
      subscribers: [{ email: 'a@example.com', dataFields: ['x'] }],
    });

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({
      code: 'BadParams',
      msg: expect.stringContaining('subscribers[0].dataFields') as string,
    });
  });

  it('answers 400 BadParams when a list is created without a name', async () => {
    const reply = await call(standIn(), 'POST', '/api/lists', { body: { description: 'x' } });

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({
      code: 'BadParams',
      msg: expect.stringContaining('name') as string,
    });
  });

  it('ignores fields the spec does not define, as its open schemas allow', async () => {
    const listId = await createList(standIn(), 'Segment');

    const reply = await subscribe(standIn(), {
      listId,
      subscribers: [{ email: 'a@example.com', somethingElse: true }],
      extra: 1,
    });

    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ successCount: 1 });
  });

  it('answers 400 BadJsonBody when the body is not JSON', async () => {
    const reply = await call(standIn(), 'POST', '/api/lists/subscribe', { body: '{"listId": 1,' });

    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      code: 'BadJsonBody',
      msg: expect.stringMatching(/^Invalid JSON body/) as string,
      params: null,
    });
  });

  it('answers 400 BadJsonBody when a POST has no body', async () => {
    const reply = await call(standIn(), 'POST', '/api/lists');

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ code: 'BadJsonBody' });
  });

  it('answers 400 BadParams when the JSON body is not an object', async () => {
    const reply = await call(standIn(), 'POST', '/api/lists/subscribe', { body: '[1, 2]' });

    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ code: 'BadParams' });
  });
});
