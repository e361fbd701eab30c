import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { healthResponse } from '../../shared/health/health-service';
import { runSmoke } from './smoke-process';

/**
 * `npm run smoke` against a small server answering as a broken or unusual deploy would: what
 * the local app never does on its own (503, no answer, another OpenAPI version, Retry-After).
 */

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  at: number;
}

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

async function fakeApp(handler: Handler) {
  const seen: Seen[] = [];
  const server = http.createServer((request, response) => {
    seen.push({
      method: request.method ?? '',
      url: request.url ?? '',
      authorization: request.headers.authorization,
      at: Date.now(),
    });
    request.resume().on('end', () => handler(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url, seen, close };
}

function json(response: http.ServerResponse, status: number, body: unknown, headers = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

const exportId = '6f1c1c59-3c8e-4d4e-9a53-0d5b8a0e8d10';
const runId = '01a24a00-0000-7000-8000-000000000001';
const counts = { total: 2, added: 1, updated: 0, removed: 0, unchanged: 1, rejected: 0, failed: 0 };
const run = (status: string, dryRun = true) => ({
  id: runId,
  exportId,
  dryRun,
  status,
  counts,
  segments: [{ name: 'VIP', counts }],
});
const healthy = { status: 'healthy', version: '9.9.9', checks: { storage: { status: 'healthy' } } };
const openApi = {
  openapi: '3.1.0',
  info: { title: 'x', version: '9.9.9' },
  paths: Object.fromEntries(
    [
      '/api/health',
      '/api/segments/{name}',
      '/api/exports',
      '/api/exports/{id}',
      '/api/exports/{id}/runs',
      '/api/exports/{id}/runs/{runId}',
    ].map((path) => [path, {}]),
  ),
};
const dryRunArgs = ['--segment', 'VIP', '--export', exportId, '--token', 'a.b.c'];

/** An app whose runs answer as `runs` says; everything else as a healthy app would. */
function appWithRuns(runs: (request: http.IncomingMessage, response: http.ServerResponse) => void) {
  return fakeApp((request, response) => {
    const path = request.url ?? '';
    if (path === '/api/health') return json(response, 200, healthy);
    if (path === '/api/openapi.json') return json(response, 200, openApi);
    if (path === '/api/segments/VIP')
      return json(response, 200, { name: 'VIP', format: 'csv', columns: ['email'] });
    if (path === `/api/exports/${exportId}`)
      return json(response, 200, { id: exportId, displayName: 'VIP export', segments: ['VIP'] });
    runs(request, response);
  });
}

describe('npm run smoke against a broken or unusual app', () => {
  it('fails an unhealthy app, printing the error body that names the dependency', async () => {
    const report = {
      status: 'unhealthy' as const,
      version: '9.9.9',
      checks: {
        storage: { status: 'healthy' as const },
        keyVault: { status: 'unhealthy' as const, reason: 'Key Vault is unreachable' },
      },
    };
    const app = await fakeApp((request, response) => {
      if (request.url === '/api/health') {
        const { status, jsonBody } = healthResponse(report);
        return json(response, status, jsonBody);
      }
      json(response, 200, { ...openApi, openapi: '3.0.3' });
    });
    try {
      const result = await runSmoke(['--url', app.url, ...dryRunArgs]);
      expect(result.code).toBe(1);
      expect(result.lines[0]).toBe(
        '✗ health: unhealthy (HTTP 503), version 9.9.9: Key Vault is unreachable [storage healthy, keyVault unhealthy (Key Vault is unreachable)]',
      );
      expect(result.lines[1]).toMatch(/^ {4}body: \{.*"target":"keyVault".*\}$/);
      expect(result.lines.slice(2)).toEqual([
        '✗ openapi: GET /api/openapi.json answered an unexpected body (openapi: must be an OpenAPI 3.1 version)',
        '– dry run: skipped: the app is not healthy',
        `smoke: FAILED, 2 of 2 checks against ${app.url}`,
      ]);
      // Nothing was asked of an app that is not healthy, and the public routes got no token.
      expect(app.seen.map((seen) => seen.url)).toEqual(['/api/health', '/api/openapi.json']);
      expect(app.seen.map((seen) => seen.authorization)).toEqual([undefined, undefined]);
    } finally {
      await app.close();
    }
  });

  it('gives up on a request without an answer, saying how long it waited', async () => {
    const app = await fakeApp(() => undefined);
    try {
      const started = Date.now();
      const result = await runSmoke(['--url', app.url, '--request-timeout-seconds', '1']);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(result.code).toBe(1);
      expect(result.lines.slice(0, 2)).toEqual([
        '✗ health: GET /api/health: no answer within 1 s',
        '✗ openapi: GET /api/openapi.json: no answer within 1 s',
      ]);
    } finally {
      await app.close();
    }
  });

  it('names the address an app redirects to instead of following it', async () => {
    const app = await fakeApp((request, response) => {
      response.writeHead(301, { location: `https://app.example.com${request.url}` }).end();
    });
    try {
      const result = await runSmoke(['--url', app.url]);
      expect(result.code).toBe(1);
      expect(result.lines[0]).toBe(
        '✗ health: GET /api/health answered 301, a redirect to https://app.example.com/api/health: give the address the app answers at as --url',
      );
      expect(app.seen).toHaveLength(2);
    } finally {
      await app.close();
    }
  });

  it('follows Operation-Location on the app it was given, waiting as Retry-After asks', async () => {
    let polls = 0;
    const app = await appWithRuns((request, response) => {
      if (request.method === 'POST')
        return json(response, 202, run('queued'), {
          // An address the app's host knows itself by: the token must not go there.
          'operation-location': `http://10.255.255.1:9/api/exports/${exportId}/runs/${runId}`,
          'retry-after': '3',
        });
      polls += 1;
      json(response, 200, run(polls < 2 ? 'planning' : 'succeeded'));
    });
    try {
      const result = await runSmoke(['--url', app.url, ...dryRunArgs]);
      expect(result.code).toBe(0);
      expect(result.lines[4]).toMatch(
        /^✓ dry run: succeeded in [\d.]+ s \(run 01a24a00-0000-7000-8000-000000000001\): total 2, added 1, updated 0, removed 0, unchanged 1, rejected 0$/,
      );
      const runCalls = app.seen.filter((seen) => seen.url.includes('/runs'));
      expect(
        runCalls.map(({ method, url, authorization }) => [method, url, authorization]),
      ).toEqual([
        ['POST', `/api/exports/${exportId}/runs`, 'Bearer a.b.c'],
        ['GET', `/api/exports/${exportId}/runs/${runId}`, 'Bearer a.b.c'],
        ['GET', `/api/exports/${exportId}/runs/${runId}`, 'Bearer a.b.c'],
      ]);
      const [requested, firstPoll, secondPoll] = runCalls.map((seen) => seen.at);
      expect(firstPoll! - requested!).toBeGreaterThanOrEqual(2900);
      // No Retry-After on the first poll: the next one comes 2 s later.
      expect(secondPoll! - firstPoll!).toBeGreaterThanOrEqual(1900);
      expect(result.stdout).not.toContain('a.b.c');
    } finally {
      await app.close();
    }
  }, 30_000);

  it('cancels at once a run the app queued as a real one', async () => {
    const app = await appWithRuns((request, response) => {
      if (request.url?.endsWith('/cancel')) return json(response, 200, run('cancelled', false));
      json(response, 202, run('queued', false), {
        'operation-location': `${app.url}/api/exports/${exportId}/runs/${runId}`,
      });
    });
    try {
      const result = await runSmoke(['--url', app.url, ...dryRunArgs]);
      expect(result.code).toBe(1);
      expect(result.lines[4]).toBe(
        `✗ dry run: POST /api/exports/${exportId}/runs queued run ${runId} as a real run; it was cancelled`,
      );
      expect(app.seen.at(-1)).toMatchObject({
        method: 'POST',
        url: `/api/exports/${exportId}/runs/${runId}/cancel`,
      });
    } finally {
      await app.close();
    }
  });
});
