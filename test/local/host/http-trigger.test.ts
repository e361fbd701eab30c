import { queueClient, takeMessages, uniqueQueueName, peekAll } from '../../support/queues';
import { startHostProcess, type HostProcess } from '../../support/host-process';

describe('local host: HTTP triggers', () => {
  let host: HostProcess;
  const auditQueue = uniqueQueueName('audit');
  const bodyLimit = 64 * 1024;

  beforeAll(async () => {
    host = await startHostProcess({
      entry: 'dist/test/local/host/apps/http-app.js',
      hostJson: { version: '2.0', extensions: { http: { routePrefix: 'v1' } } },
      env: {
        AUDIT_QUEUE: auditQueue,
        ROUTE_SETTING: 'from-setting',
        FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: String(bodyLimit),
      },
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

  it('writes the messages of one array output in array order', async () => {
    expect((await get('/v1/fanout/100', { method: 'POST' })).status).toBe(202);
    const expected = Array.from({ length: 100 }, (_, index) => `item-${index}`);
    expect(await takeMessages(queueClient(auditQueue), 100)).toEqual(expected);
  });

  it('runs appStart, preInvocation and postInvocation hooks around the function', async () => {
    // appHookData is shared by all hooks; what appStart put in its own hookData is not in it.
    expect((await get('/v1/hooked')).json()).toEqual({
      seenBefore: 'hooked',
      appStarted: true,
      appHookData: { shared: 'app' },
    });
  });

  it('warns about a log after the function completed, and lets log hooks change user logs only', async () => {
    expect((await get('/v1/lateLog')).text).toBe('done');
    await host.waitForOutput(/\] HOOKED lateLog user line\n/);
    await host.waitForOutput(/\] HOOKED lateLog after return\n/);
    // The library's warning is a system log, which the hook saw but must not have changed.
    await host.waitForOutput(
      /\] Warning: Unexpected call to 'log' on the context object after function execution has completed\. .*Function name: lateLog\./,
    );
  });

  it('ignores a log hook that throws, keeping the log line and the invocation', async () => {
    const response = await get('/v1/throwingLogHook');
    expect(response.status).toBe(200);
    expect(response.text).toBe('still fine');
    await host.waitForOutput(/\] throw-in-log-hook\n/);
  });

  it('turns response cookies into Set-Cookie headers', async () => {
    const response = await get('/v1/cookies');
    expect(response.headers.get('x-other')).toBe('kept');
    expect(response.headers.getSetCookie()).toEqual([
      'session=a%20b%3Bc; expires=Wed, 02 Jan 2030 03:04:05 GMT; max-age=3600; domain=localhost; path=/v1; secure; samesite=lax; httponly',
      'plain=x; samesite=none',
    ]);
  });

  it('answers 413 to a body over FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, without resetting the connection', async () => {
    const oversized = Buffer.alloc(bodyLimit * 16, 'x');
    expect((await get('/v1/items/7', { method: 'PUT', body: oversized })).status).toBe(413);
    // A streamed body has no Content-Length, so the limit is found while reading.
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let chunk = 0; chunk < 16; chunk++) controller.enqueue(Buffer.alloc(bodyLimit, 'y'));
        controller.close();
      },
    });
    const init = { method: 'PUT', body: streamed, duplex: 'half' } as RequestInit;
    expect((await get('/v1/items/7', init)).status).toBe(413);
    const atLimit = await get('/v1/items/7', { method: 'PUT', body: Buffer.alloc(bodyLimit, 'z') });
    expect(atLimit.status).toBe(200);
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

  // Last: it stops the host.
  it('runs appTerminate hooks with the hookData that appStart hooks had', async () => {
    expect(await host.stop('SIGTERM')).toBe(0);
    expect(host.output()).toContain('appTerminate hookData={"startOnly":"start"}\n');
  });
});

describe('local host: features it refuses at start', () => {
  it('refuses an app that enables HTTP streaming', async () => {
    await expect(
      startHostProcess({
        entry: 'dist/test/local/host/apps/unsupported-app.js',
        env: { UNSUPPORTED: 'http-stream' },
      }),
    ).rejects.toThrow(/enables HTTP streaming .* which the local host does not support/);
  });

  it('refuses an input binding, naming the function and binding type', async () => {
    await expect(
      startHostProcess({
        entry: 'dist/test/local/host/apps/unsupported-app.js',
        env: { UNSUPPORTED: 'input' },
      }),
    ).rejects.toThrow(/Function "withBlobInput": input binding type "blob" .* is not supported/);
  });
});
