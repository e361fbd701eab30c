import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createExportApi,
  clientApiVersion,
  ExportApiError,
  listAll,
  RunWaitTimeout,
  waitForRun,
  type Run,
} from '../../client';
import { supportedApiVersions } from '../../shared/http/api-version';

/**
 * The client's own layer against a scripted server: each test answers the requests the client
 * makes with the answers the API would give. The flow through the real app is in
 * test/functions/platform-client.test.ts.
 */

interface Seen {
  url: URL;
  headers: Headers;
}

/** A fetch that answers each request with the next of `answers`, recording what it was asked. */
function scripted(answers: Array<(request: Request) => Response>) {
  const seen: Seen[] = [];
  const fetch = (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push({ url: new URL(request.url), headers: request.headers });
    const answer = answers.shift();
    if (!answer) throw new Error(`No answer left for ${request.method} ${request.url}`);
    return Promise.resolve(answer(request));
  };
  return { fetch: fetch, seen };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const run = (status: Run['status']): Run =>
  ({ id: 'r', exportId: 'e', trigger: 'manual', mode: 'delta', dryRun: false, status }) as Run;

const baseUrl = 'https://app.example.test';

describe('the platform client', () => {
  it('sends the token (renewed from its function on each request), the tenant and its api-version', async () => {
    const { fetch, seen } = scripted([() => json({ value: [] }), () => json({ value: [] })]);
    let issued = 0;
    const api = createExportApi({
      baseUrl: `${baseUrl}/`,
      token: () => `token-${++issued}`,
      tenantId: 'tenant-a',
      fetch,
    });
    await api.GET('/api/exports', {});
    await api.GET('/api/exports', { params: { query: { top: 5 } } });
    expect(seen.map(({ headers }) => headers.get('authorization'))).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
    expect(seen[0]?.headers.get('x-tenant-id')).toBe('tenant-a');
    expect(seen.map(({ url }) => url.search)).toEqual([
      `?api-version=${clientApiVersion}`,
      `?api-version=${clientApiVersion}&top=5`,
    ]);
  });

  it('names a version the API supports', () => {
    expect(supportedApiVersions).toContain(clientApiVersion);
  });

  it('reads every page through nextLink, with the same route and the next skip token', async () => {
    const link = (token: string) => `${baseUrl}/api/exports?top=2&%24skipToken=${token}`;
    const { fetch, seen } = scripted([
      () => json({ value: [{ id: '1' }, { id: '2' }], nextLink: link('p2') }),
      () => json({ value: [{ id: '3' }, { id: '4' }], nextLink: link('p3') }),
      () => json({ value: [{ id: '5' }] }),
    ]);
    const api = createExportApi({ baseUrl, token: 't', fetch });
    const items = await listAll(api, '/api/exports', { query: { top: 2 } });
    expect(items.map(({ id }) => id)).toEqual(['1', '2', '3', '4', '5']);
    expect(seen.map(({ url }) => url.searchParams.get('$skipToken'))).toEqual([null, 'p2', 'p3']);
    expect(seen.every(({ url }) => url.searchParams.get('top') === '2')).toBe(true);
  });

  it('refuses a nextLink to another host, so the token goes nowhere else', async () => {
    const { fetch, seen } = scripted([
      () => json({ value: [{ id: '1' }], nextLink: 'https://elsewhere.test/api/exports?x=1' }),
    ]);
    const api = createExportApi({ baseUrl, token: 't', fetch });
    await expect(listAll(api, '/api/exports', {})).rejects.toThrow(/nextLink pointed away/);
    expect(seen).toHaveLength(1);
  });

  it("throws the API's error, code and message, when a page fails", async () => {
    const { fetch } = scripted([
      () =>
        json(
          { error: { code: 'Forbidden', message: 'Your role does not allow this action.' } },
          403,
          {
            'x-ms-error-code': 'Forbidden',
          },
        ),
    ]);
    const api = createExportApi({ baseUrl, token: 't', fetch });
    const failure = listAll(api, '/api/connections', {});
    await expect(failure).rejects.toBeInstanceOf(ExportApiError);
    await expect(failure).rejects.toMatchObject({ status: 403, code: 'Forbidden' });
  });

  describe('waitForRun', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    /** Runs the wait, moving the fake clock on whenever it sleeps; returns the sleeps it took. */
    async function waited<T>(promise: Promise<T>): Promise<{ result: T; sleeps: number[] }> {
      const sleeps: number[] = [];
      let settled = false;
      const outcome = promise.finally(() => (settled = true));
      while (!settled) {
        const before = jest.now();
        await jest.advanceTimersToNextTimerAsync();
        if (jest.now() > before) sleeps.push(jest.now() - before);
      }
      return { result: await outcome, sleeps };
    }

    it('reads the run again after each Retry-After, and returns it once ended', async () => {
      const { fetch } = scripted([
        () => json(run('queued'), 200, { 'retry-after': '5' }),
        () => json(run('running'), 200, { 'retry-after': '5' }),
        () =>
          json({ error: { code: 'TooManyRequests', message: 'Slow down.' } }, 429, {
            'retry-after': '7',
          }),
        () => json(run('succeeded')),
      ]);
      const progress: string[] = [];
      const api = createExportApi({ baseUrl, token: 't', fetch });
      const { result, sleeps } = await waited(
        waitForRun(api, 'e', 'r', { onProgress: (seen) => progress.push(seen.status) }),
      );
      expect(result.status).toBe('succeeded');
      expect(sleeps).toEqual([5000, 5000, 7000]);
      expect(progress).toEqual(['queued', 'running']);
    });

    it('stops at awaitingConfirmation unless asked to wait through it', async () => {
      const held = () => json(run('awaitingConfirmation'), 200, { 'retry-after': '60' });
      const first = scripted([held]);
      const stopped = await waitForRun(
        createExportApi({ baseUrl, token: 't', fetch: first.fetch }),
        'e',
        'r',
      );
      expect(stopped.status).toBe('awaitingConfirmation');

      const second = scripted([held, () => json(run('cancelled'))]);
      const api = createExportApi({ baseUrl, token: 't', fetch: second.fetch });
      const { result, sleeps } = await waited(
        waitForRun(api, 'e', 'r', { throughConfirmation: true }),
      );
      expect(result.status).toBe('cancelled');
      expect(sleeps).toEqual([60_000]);
    });

    it('gives up with the last reading when the next wait would pass the timeout', async () => {
      const { fetch } = scripted([
        () => json(run('running'), 200, { 'retry-after': '5' }),
        () => json(run('running'), 200, { 'retry-after': '5' }),
      ]);
      const api = createExportApi({ baseUrl, token: 't', fetch });
      const { result } = await waited(
        waitForRun(api, 'e', 'r', { timeoutMs: 8000 }).catch((error: unknown) => error),
      );
      expect(result).toBeInstanceOf(RunWaitTimeout);
      expect((result as RunWaitTimeout).run.status).toBe('running');
    });

    it('throws at once on an error the API does not ask to retry', async () => {
      const { fetch } = scripted([
        () => json({ error: { code: 'NotFound', message: 'Run "r" was not found.' } }, 404),
      ]);
      const api = createExportApi({ baseUrl, token: 't', fetch });
      await expect(waitForRun(api, 'e', 'r')).rejects.toMatchObject({
        status: 404,
        code: 'NotFound',
      });
    });

    it('ends when its signal is aborted', async () => {
      const { fetch } = scripted([() => json(run('running'), 200, { 'retry-after': '5' })]);
      const api = createExportApi({ baseUrl, token: 't', fetch });
      const controller = new AbortController();
      const waiting = waitForRun(api, 'e', 'r', { signal: controller.signal });
      await jest.advanceTimersByTimeAsync(0);
      expect(jest.getTimerCount()).toBe(1);
      controller.abort(new Error('stopped by the caller'));
      await expect(waiting).rejects.toThrow('stopped by the caller');
    });
  });
});

describe("the README's client example", () => {
  it('is client/example.ts word for word, so the type check covers it', () => {
    const root = path.resolve(__dirname, '..', '..');
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const example = readFileSync(path.join(root, 'client', 'example.ts'), 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
  });
});
