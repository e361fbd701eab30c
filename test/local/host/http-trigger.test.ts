import { queueClient, takeMessages, uniqueQueueName, peekAll } from '../../support/queues';
import { startHostProcess, type HostProcess } from '../../support/host-process';

describe('local host: HTTP triggers', () => {
  let host: HostProcess;
  const auditQueue = uniqueQueueName('audit');

  beforeAll(async () => {
    host = await startHostProcess({
      entry: 'dist/test/local/host/apps/http-app.js',
      hostJson: { version: '2.0', extensions: { http: { routePrefix: 'v1' } } },
      env: { AUDIT_QUEUE: auditQueue, ROUTE_SETTING: 'from-setting' },
    });
  });
  afterAll(() => host.stop());

  const get = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${host.url}${path}`, init);
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: () => JSON.parse(text) as Record<string, unknown>,
    };
  };

  it('serves routes under the host.json route prefix and passes route parameters', async () => {
    const response = await get('/v1/items/42?color=red', { headers: { 'x-test': 'hello' } });
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({
      functionName: 'item',
      params: { id: '42' },
      query: { color: 'red' },
      header: 'hello',
    });
    expect((await get('/api/items/42')).status).toBe(404);
  });

  it('passes the request body and method to the function', async () => {
    const response = await get('/v1/items/7', { method: 'PUT', body: 'payload' });
    expect(response.json()).toMatchObject({ method: 'PUT', body: 'payload', params: { id: '7' } });
  });

  it('answers 404 for a method the function does not accept, as the real host does', async () => {
    expect((await get('/v1/items/42', { method: 'DELETE' })).status).toBe(404);
  });

  it('prefers a literal segment over a parameter', async () => {
    expect((await get('/v1/items/search')).json()).toMatchObject({ functionName: 'itemSearch' });
  });

  it('applies route constraints, optional parameters and catch-all parameters', async () => {
    expect((await get('/v1/orders/12/detail')).json()).toMatchObject({ params: { id: '12' } });
    expect((await get('/v1/orders/twelve/detail')).status).toBe(404);
    expect((await get('/v1/optional')).json()).toMatchObject({
      functionName: 'optional',
      params: {},
    });
    expect((await get('/v1/optional/ann')).json()).toMatchObject({ params: { name: 'ann' } });
    expect((await get('/v1/files/a/b%20c/d.txt')).json()).toMatchObject({
      params: { path: 'a/b c/d.txt' },
    });
  });

  it('uses the function name as the route when none is given, and resolves %SETTING% in routes', async () => {
    expect((await get('/v1/defaultRoute', { method: 'POST', body: 'x' })).json()).toMatchObject({
      functionName: 'defaultRoute',
    });
    expect((await get('/v1/from-setting/ping')).json()).toMatchObject({
      functionName: 'settingRoute',
    });
  });

  it('writes output bindings only when the invocation succeeds', async () => {
    const failed = await get('/v1/audited/fail', { method: 'POST' });
    expect(failed.status).toBe(500);
    expect(failed.text).toBe('');
    const succeeded = await get('/v1/audited/ok', { method: 'POST' });
    expect(succeeded.status).toBe(201);
    expect(succeeded.headers.get('x-done')).toBe('yes');
    const queue = queueClient(auditQueue);
    // An array output becomes one message per element; the failed call added none.
    expect(await takeMessages(queue, 2)).toEqual(['{"id":"ok"}', 'second']);
    expect(await peekAll(queue)).toEqual([]);
  });

  it('runs appStart, preInvocation and postInvocation hooks around the function', async () => {
    expect((await get('/v1/hooked')).json()).toEqual({ seenBefore: 'hooked', appStarted: true });
  });

  it('logs one line per invocation with name, id, outcome and duration', async () => {
    await get('/v1/items/1');
    await host.waitForOutput(
      /Executed 'Functions\.item' \(Succeeded, Id=[0-9a-f-]{36}, Duration=\d+ms\)/,
    );
    await host.waitForOutput(
      /Executed 'Functions\.audited' \(Failed, Id=[0-9a-f-]{36}, Duration=\d+ms, Error=failed after setting an output\)/,
    );
  });

  it('answers the admin status route', async () => {
    expect((await get('/admin/host/status')).json()).toMatchObject({ state: 'Running' });
  });
});
