import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import fc from 'fast-check';
import { allOperations } from '../../shared/app/api-operations';
import { ErrorResponseSchema } from '../../shared/http/collection';
import type { Operation } from '../../shared/http/operation';
import { maxBodyBytes } from '../../shared/http/request-body';
import { startAppStack, type AppStack } from '../support/app-stack';
import { startTrap, type Trap } from './support/trap-server';
import {
  anyAuthorization,
  anyPathParameter,
  anyString,
  anyQuery,
  bodiesNear,
  rawBodies,
  schemaFields,
} from './support/input-arbitraries';

/**
 * Every route the app serves, fed arbitrary bodies, raw bytes, query strings, path parameters
 * and Authorization headers through the real host: each answer is a success or a 4xx with the
 * error envelope, never a 5xx, and the host keeps serving. FUZZ_RUNS=<factor> searches longer.
 */

const scale = Number(process.env.FUZZ_RUNS ?? 1) || 1;
const runs = (count: number) => Math.max(1, Math.round(count * scale));

const operations = allOperations();
const routeOf = (operation: Operation<unknown>) => `${operation.method} ${operation.route}`;
const bodyOperations = operations.filter((operation) => operation.body);
const parameterOperations = operations.filter((operation) => operation.route.includes('{'));
const protectedOperations = operations.filter((operation) => operation.roles.length > 0);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `.` and `..` (also as %2e): a URL parser resolves them before the request is sent. */
const isDotSegment = (parameter: string) => /^(\.|%2e){1,2}$/i.test(parameter);

/** What a tenant id must be to key table rows and name a blob folder. */
const usableTenantId = (tid: string) =>
  tid.length <= 256 &&
  tid.trim() !== '' &&
  tid !== '.' &&
  tid !== '..' &&
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  !/[/\\#?\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(
    tid,
  );

const base64Json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

describe('every route under arbitrary input', () => {
  const key = randomBytes(16).toString('hex');
  const tenant = `fuzz-${randomBytes(4).toString('hex')}`;
  const segment = 'Fuzz ünïcode segment';
  let stack: AppStack;
  let trap: Trap;
  let token: string;
  const ids = { connectionId: '', exportId: '', runId: '' };

  /** A sample body each route accepts; the fuzzing starts from these. */
  const validBodies: Record<string, () => Record<string, unknown>> = {
    'connections-create': () => ({
      displayName: `Fuzz ${randomBytes(3).toString('hex')}`,
      apiKey: key,
      region: 'us',
      consent: { accepted: true },
      allowContributors: true,
      addSelfAsExportUser: true,
      requestsPerSecond: 10,
    }),
    'connections-update': () => ({ displayName: 'Fuzz connection', allowContributors: true }),
    'exports-create': () => ({
      displayName: 'Fuzz export',
      connectionId: ids.connectionId,
      segments: [segment],
      emailField: 'email',
      dataFields: { firstName: 'first_name' },
      syncMode: 'mirror',
      schedule: { mode: 'custom', cron: '0 3 * * *', timeZone: 'Europe/Amsterdam' },
      enabled: true,
    }),
    'exports-update': () => ({
      displayName: 'Fuzz export renamed',
      dataFields: { firstName: 'first_name' },
      schedule: { mode: 'refresh' },
    }),
    'runs-create': () => ({ mode: 'delta', dryRun: true }),
    'schedule-put': () => ({ cron: '0 3 * * *', timeZone: 'Europe/Amsterdam' }),
    'refreshes-report': () => ({
      refreshedAt: new Date().toISOString(),
      // No export reads it: a refresh would otherwise hold the fuzzed export with runs.
      segments: ['No export reads this'],
    }),
    'webhooks-create': () => ({
      // A local target (allowed for this stack) needs no name lookup, which a sandbox may lack.
      url: 'http://127.0.0.1:9/segment-export',
      secret: 'fuzz-secret-0123456789abcdef',
      events: ['com.iterable-segment-export.run.failed'],
    }),
  };

  function pathOf(operation: Operation<unknown>, replaced: Record<string, string> = {}): string {
    return operation.route.replace(/\{(\w+)\}/g, (_match, name: string) => {
      if (replaced[name] !== undefined) return replaced[name];
      if (name === 'runId') return ids.runId;
      if (name === 'name') return encodeURIComponent(segment);
      return operation.route.startsWith('connections') ? ids.connectionId : ids.exportId;
    });
  }

  async function send(
    method: string,
    path: string,
    options: { body?: Uint8Array | string; query?: string; authorization?: string | null } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const authorization =
      options.authorization === undefined ? `Bearer ${token}` : options.authorization;
    if (authorization !== null) headers.authorization = authorization;
    const query = options.query ? `?${options.query}` : '';
    const response = await fetch(`${stack.url}/api/${path}${query}`, {
      method,
      headers,
      body: method === 'GET' ? undefined : options.body,
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  /** A success, or a 4xx with the error envelope and a matching x-ms-error-code; never a 5xx. */
  function expectHandled(reply: Reply, what: string): void {
    if (reply.status >= 500) {
      throw new Error(`${what} answered ${reply.status}: ${reply.text.slice(0, 500)}`);
    }
    if (reply.status < 400) return;
    // The host answers some requests itself, with no body: 404 when no route matches (a
    // parameter decoded to '/'), 413 over its body limit, 414/431 for a URL longer than it takes.
    if (reply.text === '' && [404, 413, 414, 431].includes(reply.status)) return;
    const parsed = ErrorResponseSchema.safeParse(parseJson(reply.text));
    if (!parsed.success) {
      throw new Error(`${what}: ${reply.status} without an error envelope: ${reply.text}`);
    }
    expect(reply.headers.get('x-ms-error-code')).toBe(parsed.data.error.code);
  }

  beforeAll(async () => {
    [stack, trap] = await Promise.all([
      startAppStack({ apiKeys: [key], env: { WEBHOOKS_ALLOW_LOCAL_TARGETS: 'true' } }),
      startTrap(),
    ]);
    const admin = { roles: ['Admin'], tid: tenant };
    token = await stack.token(admin);
    const csv = 'email,first_name\nada@example.com,Ada\ngrace@example.com,Grace\n';
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/${segment}.csv`)
      .upload(csv, Buffer.byteLength(csv));
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: validBodies['connections-create']?.(),
    });
    ids.connectionId = String(connection.json().id);
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: validBodies['exports-create']?.(),
    });
    ids.exportId = String(created.json().id);
    const run = await stack.call('POST', `exports/${ids.exportId}/runs`, { as: admin, body: {} });
    ids.runId = String(run.json().id);
    expect([connection.status, created.status, run.status]).toEqual([201, 201, 202]);
  });
  afterAll(async () => {
    await Promise.all([stack?.stop(), trap?.close()]);
  });

  it('starts from a valid sample body for every route that takes one', () => {
    expect(bodyOperations.map((operation) => operation.name).sort()).toEqual(
      Object.keys(validBodies).sort(),
    );
    for (const operation of bodyOperations) {
      const sample = validBodies[operation.name]?.();
      expect(operation.body?.safeParse(sample).error).toBeUndefined();
    }
  });

  // Found by the query-string property below: the Tables SDK decodes a $skipToken (base64 JSON)
  // before any request is sent, and threw on one the API never issued: a 500. (Here, before the
  // properties below delete the export whose runs it lists.)
  it.each(['GET audit', 'GET exports/{id}/runs'])(
    '%s answers 400 naming $skipToken to a token it never issued',
    async (route) => {
      const operation = operations.find((candidate) => routeOf(candidate) === route)!;
      const issuedNever = [
        '%00',
        '1234',
        'eyJ',
        base64Json(null),
        base64Json({ nextPartitionKey: 1 }),
        base64Json({ nextPartitionKey: 'x', nextRowKey: 'y', more: true }),
      ];
      for (const token of issuedNever) {
        const reply = await send(operation.method, pathOf(operation), {
          query: new URLSearchParams({ $skipToken: token }).toString(),
        });
        expectHandled(reply, `${route}?$skipToken=${token}`);
        expect(reply.status).toBe(400);
        expect(JSON.parse(reply.text)).toMatchObject({ error: { target: '$skipToken' } });
      }
    },
  );

  it.each(bodyOperations.map((operation) => [routeOf(operation), operation] as const))(
    '%s answers any body near a valid one with a success or a 4xx',
    async (route, operation) => {
      const valid = validBodies[operation.name]?.() ?? {};
      await fc.assert(
        fc.asyncProperty(bodiesNear(valid, schemaFields(operation.body)), async (body) => {
          const text = JSON.stringify(body) ?? '';
          const reply = await send(operation.method, pathOf(operation), { body: text });
          expectHandled(reply, `${route} with ${text.slice(0, 300)}`);
        }),
        { numRuns: runs(60) },
      );
    },
  );

  // Found by the property above: a lone surrogate in a display name or a segment name reached
  // encodeURIComponent (a connection's name key, a blob prefix), which threw: a 500.
  it.each(bodyOperations.map((operation) => [routeOf(operation), operation] as const))(
    '%s answers 400 naming the field to a lone surrogate in any string or field name',
    async (route, operation) => {
      const valid = validBodies[operation.name]?.() ?? {};
      const strings = Object.entries(valid).filter(([, value]) => typeof value === 'string');
      const cases = [
        ...strings.map(([field]) => ({ body: { ...valid, [field]: 'a\ud800b' }, target: field })),
        { body: { ...valid, ['x\udc00']: 1 }, target: '(body)' },
      ];
      expect(strings.length).toBeGreaterThan(0);
      for (const { body, target } of cases) {
        const reply = await send(operation.method, pathOf(operation), {
          body: JSON.stringify(body),
        });
        expectHandled(reply, `${route} with ${JSON.stringify(body)}`);
        expect(reply.status).toBe(400);
        expect(JSON.parse(reply.text)).toMatchObject({ error: { target } });
      }
    },
  );

  it.each(bodyOperations.map((operation) => [routeOf(operation), operation] as const))(
    '%s answers bytes that are not a valid JSON body with 400',
    async (route, operation) => {
      await fc.assert(
        fc.asyncProperty(rawBodies, async (bytes) => {
          const reply = await send(operation.method, pathOf(operation), { body: bytes });
          expectHandled(reply, `${route} with bytes ${Buffer.from(bytes).toString('hex')}`);
          // No body at all, where the body is optional, means the defaults.
          const text =
            bytes.length === 0 && operation.bodyOptional
              ? '{}'
              : Buffer.from(bytes).toString('utf8');
          const json = parseJson(text);
          if (json === undefined || !operation.body?.safeParse(json).success) {
            expect(reply.status).toBe(400);
          }
        }),
        { numRuns: runs(20) },
      );
    },
  );

  it.each(bodyOperations.map((operation) => [routeOf(operation), operation] as const))(
    '%s answers 413 to a body over the limit and 400 to JSON nested 100,000 deep',
    async (_route, operation) => {
      const tooLarge = await send(operation.method, pathOf(operation), {
        body: `{"displayName":"${'x'.repeat(maxBodyBytes)}"}`,
      });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.headers.get('x-ms-error-code')).toBe('PayloadTooLarge');
      const deep = await send(operation.method, pathOf(operation), {
        body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      });
      expect(deep.status).toBe(400);
      expect(deep.headers.get('x-ms-error-code')).toBe('InvalidRequest');
    },
  );

  it.each(operations.map((operation) => [routeOf(operation), operation] as const))(
    '%s answers any query string with a success or a 4xx',
    async (route, operation) => {
      await fc.assert(
        fc.asyncProperty(anyQuery, async (query) => {
          const body = operation.body ? JSON.stringify(validBodies[operation.name]?.()) : undefined;
          const reply = await send(operation.method, pathOf(operation), { query, body });
          expectHandled(reply, `${route}?${query}`);
        }),
        { numRuns: runs(10) },
      );
    },
  );

  it.each(parameterOperations.map((operation) => [routeOf(operation), operation] as const))(
    '%s answers any path parameter with a 4xx',
    async (route, operation) => {
      const names = [...operation.route.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
      const replacement = fc.record(
        Object.fromEntries(names.map((name) => [name, fc.option(anyPathParameter)])),
      );
      await fc.assert(
        fc.asyncProperty(replacement, async (chosen) => {
          const replaced = Object.fromEntries(
            Object.entries(chosen).filter((entry): entry is [string, string] => entry[1] !== null),
          );
          fc.pre(Object.keys(replaced).length > 0);
          fc.pre(!Object.values(replaced).some(isDotSegment));
          const body = operation.body ? JSON.stringify(validBodies[operation.name]?.()) : undefined;
          const path = pathOf(operation, replaced);
          const reply = await send(operation.method, path, { body });
          expectHandled(reply, `${operation.method} ${path}`);
          expect(`${route}: ${reply.status}`).toMatch(/: 4\d\d$/);
        }),
        { numRuns: runs(25) },
      );
    },
  );

  it('answers any Authorization header on any protected route with 401, and fetches no key it names', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...protectedOperations.map(routeOf)),
        anyAuthorization(trap.url),
        async (route, authorization) => {
          const operation = protectedOperations.find((candidate) => routeOf(candidate) === route)!;
          const body = operation.body ? JSON.stringify(validBodies[operation.name]?.()) : undefined;
          const reply = await send(operation.method, pathOf(operation), { authorization, body });
          expectHandled(reply, `${routeOf(operation)} with Authorization: ${authorization}`);
          // Headers over 16 KB never reach the app: the HTTP server answers 431 itself.
          if (reply.status === 431) return;
          expect(reply.status).toBe(401);
          expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
        },
      ),
      { numRuns: runs(100) },
    );
    expect(trap.requests).toEqual([]);
  });

  it('answers a signed token whose tenant id cannot key tenant data with 401, on any protected route', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...protectedOperations.map(routeOf)),
        anyString.filter((tid) => tid.length > 0),
        async (route, tid) => {
          const operation = protectedOperations.find((candidate) => routeOf(candidate) === route)!;
          const body = operation.body ? JSON.stringify(validBodies[operation.name]?.()) : undefined;
          const signed = await stack.token({ roles: ['Admin'], tid });
          const reply = await send(operation.method, pathOf(operation), {
            authorization: `Bearer ${signed}`,
            body,
          });
          expectHandled(reply, `${route} as Admin of tenant ${JSON.stringify(tid)}`);
          if (!usableTenantId(tid)) expect(reply.status).toBe(401);
        },
      ),
      { numRuns: runs(60) },
    );
  });

  it('logged no unexpected error and still serves', async () => {
    const failures = stack.host
      .output()
      .split('\n')
      .filter((line) => /Unexpected error|Executed 'Functions\.[^']+' \(Failed/.test(line));
    expect(failures).toEqual([]);
    expect(stack.host.child.exitCode).toBeNull();
    const health = await send('GET', 'health', { authorization: null });
    expect(health.status).toBe(200);
  });
});
