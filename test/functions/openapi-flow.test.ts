import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import type { Middleware } from 'openapi-fetch';
import { createExportApi, listAll, waitForRun, type ExportApi } from '../../client';
import { segmentsContainerName } from '../../shared/storage-layout';
import { startAppStack, type AppStack } from '../support/app-stack';
import { openApiResponseChecker, type OpenApiDocument } from '../support/openapi-responses';

const tid = `openapi-flow-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid };
const segment = 'Newsletter';

/**
 * One whole flow through the platform client (client/: generated from the committed contract,
 * with its token, paging and waiting layer), against the real app on the local host: every
 * answer is checked against the document the app serves.
 */
describe('the platform client, generated from the OpenAPI document', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let client: ExportApi;
  let document: OpenApiDocument;
  const checked: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key] });
    const served = await fetch(`${stack.url}/api/openapi.json`);
    document = (await served.json()) as OpenApiDocument;
    const check = openApiResponseChecker(document);
    const validating: Middleware = {
      async onResponse({ request, response, schemaPath }) {
        const text = await response.clone().text();
        checked.push(`${request.method} ${schemaPath} ${response.status}`);
        problems.push(
          ...check(request.method, schemaPath, {
            ...response,
            status: response.status,
            headers: response.headers,
            text,
          }),
        );
        return undefined;
      },
    };
    client = createExportApi({ baseUrl: stack.url, token: () => stack.token(admin) });
    client.use(validating);
    const csv = `email,first_name\n${['a', 'b', 'c'].map((n) => `${n}@example.com,${n}`).join('\n')}\nnot-an-email,x\n`;
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient(segmentsContainerName)
      .getBlockBlobClient(`${tid}/${segment}.csv`)
      .upload(csv, Buffer.byteLength(csv));
  }, 120_000);
  afterAll(() => stack?.stop());

  it('serves the committed contract (but for the version of the build)', () => {
    const committed = JSON.parse(
      readFileSync(path.join(__dirname, '../../client/generated/openapi.json'), 'utf8'),
    ) as { info: { version: string } };
    expect({
      ...document,
      info: { ...(document as unknown as typeof committed).info, version: 'contract' },
    }).toEqual(committed);
  });

  it('drives connection, segment, export, run, progress, rejections, audit and schedule', async () => {
    const connection = await client.POST('/api/connections', {
      body: { displayName: 'Flow', apiKey: key, consent: { accepted: true } },
    });
    expect(connection.response.status).toBe(201);
    const connectionId = connection.data?.id ?? '';

    const found = await client.GET('/api/segments/{name}', { params: { path: { name: segment } } });
    expect(found.data?.columns).toEqual(['email', 'first_name']);

    const created = await client.POST('/api/exports', {
      body: { displayName: 'Flow', connectionId, segments: [segment], emailField: 'email' },
    });
    expect(created.response.status).toBe(201);
    const id = created.data?.id ?? '';

    const started = await client.POST('/api/exports/{id}/runs', {
      params: { path: { id } },
      body: {},
    });
    expect(started.response.status).toBe(202);
    expect(started.response.headers.get('operation-location')).toMatch(/\/runs\/[0-9a-f-]{36}$/);
    const runId = started.data?.id ?? '';

    const progress: string[] = [];
    const run = await waitForRun(client, id, runId, {
      timeoutMs: 60_000,
      onProgress: ({ status }) => progress.push(status),
    });
    expect(progress.every((status) => ['queued', 'planning', 'running'].includes(status))).toBe(
      true,
    );
    expect(run.status).toBe('partiallySucceeded');

    const rejections = await client.GET('/api/exports/{id}/runs/{runId}/rejections', {
      params: { path: { id, runId }, query: { top: 10 } },
    });
    expect(rejections.data?.value).toEqual([
      expect.objectContaining({ email: 'not-an-email', reason: 'invalidEmail' }),
    ]);

    const audit = await client.GET('/api/audit', { params: { query: { top: 100 } } });
    expect(audit.data?.value.length).toBeGreaterThan(2);
    // The same entries, two a page, through each page's nextLink.
    expect(await listAll(client, '/api/audit', { query: { top: 2 } })).toEqual(audit.data?.value);

    const schedule = await client.PUT('/api/schedule', {
      body: { cron: '0 6 * * *', timeZone: 'Europe/Amsterdam' },
    });
    expect(schedule.response.status).toBe(200);
    expect((await client.GET('/api/schedule')).data?.cron).toBe('0 6 * * *');
  }, 120_000);

  it('answers errors as the document declares them: body, x-ms-error-code, status', async () => {
    const missing = await client.GET('/api/exports/{id}', {
      params: { path: { id: randomUUID() } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error.code).toBe('NotFound');
    const invalid = await client.GET('/api/exports', { params: { query: { top: 0 } } });
    expect(invalid.response.status).toBe(400);
    const health = await client.GET('/api/health');
    expect(health.response.status).toBe(200);
  });

  it('found every answer of the flow to fit the document', () => {
    expect(checked).toEqual(
      expect.arrayContaining([
        'POST /api/connections 201',
        'GET /api/segments/{name} 200',
        'POST /api/exports 201',
        'POST /api/exports/{id}/runs 202',
        'GET /api/exports/{id}/runs/{runId} 200',
        'GET /api/exports/{id}/runs/{runId}/rejections 200',
        'GET /api/audit 200',
        'PUT /api/schedule 200',
        'GET /api/schedule 200',
        'GET /api/exports/{id} 404',
        'GET /api/exports 400',
        'GET /api/health 200',
      ]),
    );
    expect(problems).toEqual([]);
  });

  it('would have found an answer that does not fit', () => {
    const check = openApiResponseChecker(document);
    const headers = new Headers({ 'x-ms-error-code': 'NotFound', 'retry-after': '5' });
    expect(check('GET', '/api/health', { status: 404, headers, text: '' })).toEqual([
      'GET /api/health 404: status not declared',
    ]);
    expect(
      check('POST', '/api/exports/{id}/runs', { status: 202, headers: new Headers(), text: '{}' }),
    ).toEqual(
      expect.arrayContaining([
        'POST /api/exports/{id}/runs 202: header Operation-Location missing',
        expect.stringMatching(/^POST \/api\/exports\/\{id\}\/runs 202: body: /),
      ]),
    );
    expect(
      check('GET', '/api/exports/{id}', { status: 404, headers, text: '{"error":{}}' }),
    ).toEqual([
      'GET /api/exports/{id} 404: header retry-after sent but not declared',
      expect.stringMatching(/body: .*must have required property 'code'/),
    ]);
  });
});
