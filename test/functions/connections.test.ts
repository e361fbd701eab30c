import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { createSecretClient } from '../../shared/clients/key-vault';
import { connectionSecretName } from '../../shared/connections/connection-secrets';
import { startAppStack, type AppStack } from '../support/app-stack';
import { dumpStorage } from '../support/storage-scan';

const admin = { roles: ['Admin'] };
const contributor = { roles: ['Contributor'], oid: '33333333-3333-4333-8333-333333333333' };
const newKey = () => randomBytes(16).toString('hex');

describe('connections API', () => {
  const keys = [newKey(), newKey(), newKey()];
  const [mainKey, rotatedKey, spareKey] = keys as [string, string, string];
  const rejectedKey = newKey();
  const responses: string[] = [];
  let stack: AppStack;
  let nameCounter = 0;

  async function call(...args: Parameters<AppStack['call']>) {
    const response = await stack.call(...args);
    responses.push(
      `${args[0]} ${args[1]} ${response.status} ${JSON.stringify([...response.headers])} ${response.text}`,
    );
    return response;
  }

  async function create(
    overrides: Record<string, unknown> = {},
    as: Record<string, unknown> = admin,
  ) {
    return call('POST', 'connections', {
      as,
      body: {
        displayName: `Connection ${++nameCounter}`,
        apiKey: mainKey,
        consent: { accepted: true },
        ...overrides,
      },
    });
  }

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: keys });
  });
  afterAll(() => stack.stop());

  describe('POST /api/connections', () => {
    it('creates a connection after Iterable accepts the key, without ever returning the key', async () => {
      const response = await create({
        displayName: 'Marketing EU',
        region: 'eu',
        allowContributors: true,
      });
      expect(response.status).toBe(201);
      const body = response.json();
      expect(body).toMatchObject({
        displayName: 'Marketing EU',
        region: 'eu',
        allowContributors: true,
        exportUsers: ['22222222-2222-4222-8222-222222222222'],
        consent: { accepted: true, acceptedBy: '22222222-2222-4222-8222-222222222222' },
        keyHint: `…${mainKey.slice(-4)}`,
      });
      expect(response.headers.get('location')).toMatch(
        new RegExp(`/api/connections/${String(body.id)}$`),
      );
      expect(response.text).not.toContain(mainKey);
      expect((await call('GET', `connections/${String(body.id)}`, { as: admin })).json()).toEqual(
        body,
      );
    });

    it('keeps the key in Key Vault under a name derived from tenant and connection', async () => {
      const { id } = (await create()).json() as { id: string };
      const secrets = createSecretClient(stack.vault.url);
      const name = connectionSecretName('11111111-1111-4111-8111-111111111111', id);
      expect(name).toMatch(/^[0-9a-z-]{1,127}$/);
      expect((await secrets.getSecret(name)).value).toBe(mainKey);
    });

    it('refuses a key Iterable rejects with 400 on apiKey and saves nothing', async () => {
      const before = (await call('GET', 'connections', { as: admin })).json().value as unknown[];
      const response = await create({ apiKey: rejectedKey });
      expect(response.status).toBe(400);
      expect(response.json()).toEqual({
        error: {
          code: 'InvalidRequest',
          message: 'Iterable rejected the API key for this region.',
          target: 'apiKey',
        },
      });
      expect((await call('GET', 'connections', { as: admin })).json().value).toHaveLength(
        before.length,
      );
    });

    it('names every problem of an invalid body by its field', async () => {
      const response = await call('POST', 'connections', {
        as: admin,
        body: {
          displayName: '',
          apiKey: 'short',
          region: 'asia',
          consent: { accepted: false },
          color: 'red',
        },
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-ms-error-code')).toBe('InvalidRequest');
      const details = (response.json().error as { details: { code: string; target: string }[] })
        .details;
      expect(details.map((detail) => `${detail.code} ${detail.target}`).sort()).toEqual([
        'InvalidField apiKey',
        'InvalidField consent.accepted',
        'InvalidField displayName',
        'InvalidField region',
        'UnknownField color',
      ]);
      expect(response.text).not.toContain('short');
    });

    it('requires consent', async () => {
      const response = await call('POST', 'connections', {
        as: admin,
        body: { displayName: 'No consent', apiKey: mainKey },
      });
      expect(response.json()).toMatchObject({
        error: { target: 'consent', details: [{ code: 'MissingField', target: 'consent' }] },
      });
    });

    it('answers 400 for malformed JSON and 413 for a body over 1 MB', async () => {
      const malformed = await call('POST', 'connections', {
        as: admin,
        rawBody: '{"displayName":',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.status).toBe(400);
      expect(malformed.json()).toMatchObject({
        error: { message: 'The request body is not valid JSON.' },
      });
      const huge = await call('POST', 'connections', {
        as: admin,
        body: {
          displayName: 'x'.repeat(1024 * 1024),
          apiKey: mainKey,
          consent: { accepted: true },
        },
      });
      expect(huge.status).toBe(413);
      expect(huge.json()).toMatchObject({ error: { code: 'PayloadTooLarge' } });
    });

    it('keeps display names unique per tenant, ignoring case and spaces', async () => {
      expect((await create({ displayName: 'Newsletter' })).status).toBe(201);
      const duplicate = await create({ displayName: '  NEWSLETTER ' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.json()).toMatchObject({
        error: { code: 'Conflict', target: 'displayName' },
      });
      const otherTenant = await create(
        { displayName: 'Newsletter' },
        { roles: ['Admin'], tid: 'tenant-two' },
      );
      expect(otherTenant.status).toBe(201);
    });

    it('answers 502 and saves nothing when Iterable cannot be reached', async () => {
      const before = (await call('GET', 'connections', { as: admin })).json().value as unknown[];
      stack.iterable.configure({ failNext: 1, failStatus: 503 });
      const response = await create({ apiKey: spareKey });
      expect(response.status).toBe(502);
      expect(response.json()).toMatchObject({
        error: { code: 'DependencyFailed', target: 'iterable' },
      });
      expect((await call('GET', 'connections', { as: admin })).json().value).toHaveLength(
        before.length,
      );
    });
  });

  describe('reading connections', () => {
    it('shows contributors only connections that allow them or list them as export users', async () => {
      const open = (await create({ allowContributors: true })).json();
      const closed = (await create({ allowContributors: false })).json();
      const listed = (await create({ allowContributors: false })).json();
      await call('PATCH', `connections/${String(listed.id)}`, {
        as: admin,
        body: { addExportUsers: [contributor.oid] },
      });
      const seen = (await call('GET', 'connections', { as: contributor })).json().value as {
        id: string;
      }[];
      const ids = seen.map((connection) => connection.id);
      expect(ids).toEqual(expect.arrayContaining([open.id, listed.id]));
      expect(ids).not.toContain(closed.id);
      expect(
        (await call('GET', `connections/${String(closed.id)}`, { as: contributor })).status,
      ).toBe(404);
    });

    it('answers 404 for an id of another tenant and for an id that is not a UUID', async () => {
      const { id } = (await create()).json() as { id: string };
      const stranger = { roles: ['Admin'], tid: 'someone-else' };
      for (const [method, body] of [
        ['GET'],
        ['PATCH', { displayName: 'Stolen' }],
        ['DELETE'],
      ] as const) {
        expect((await call(method, `connections/${id}`, { as: stranger, body })).status).toBe(404);
      }
      expect((await call('GET', 'connections/not-a-uuid', { as: admin })).status).toBe(404);
      expect((await call('GET', `connections/${id}`, { as: admin })).status).toBe(200);
    });
  });

  describe('PATCH /api/connections/{id}', () => {
    it('renames, allows contributors and changes export users', async () => {
      const { id } = (await create()).json() as { id: string };
      const response = await call('PATCH', `connections/${id}`, {
        as: admin,
        body: {
          displayName: 'Renamed',
          allowContributors: true,
          addExportUsers: ['u-1', 'u-2'],
          removeExportUsers: ['22222222-2222-4222-8222-222222222222'],
        },
      });
      expect(response.status).toBe(200);
      expect(response.json()).toMatchObject({
        displayName: 'Renamed',
        allowContributors: true,
        exportUsers: ['u-1', 'u-2'],
      });
      // The old name is free again, the new one is taken.
      expect((await create({ displayName: 'Renamed' })).status).toBe(409);
    });

    it('rotates the key: checks it with Iterable, stores a new secret version and disables the previous one', async () => {
      const { id } = (await create()).json() as { id: string };
      const rejected = await call('PATCH', `connections/${id}`, {
        as: admin,
        body: { apiKey: rejectedKey },
      });
      expect(rejected.status).toBe(400);
      const rotated = await call('PATCH', `connections/${id}`, {
        as: admin,
        body: { apiKey: rotatedKey },
      });
      expect(rotated.status).toBe(200);
      expect(rotated.json().keyHint).toBe(`…${rotatedKey.slice(-4)}`);
      const secrets = createSecretClient(stack.vault.url);
      const name = connectionSecretName('11111111-1111-4111-8111-111111111111', id);
      const versions: { version?: string; enabled?: boolean; createdOn?: Date }[] = [];
      for await (const version of secrets.listPropertiesOfSecretVersions(name))
        versions.push(version);
      expect(versions).toHaveLength(2);
      expect((await secrets.getSecret(name)).value).toBe(rotatedKey);
      const [previous] = versions.filter((version) => !version.enabled);
      const [current] = versions.filter((version) => version.enabled);
      expect(current?.version).toBeDefined();
      expect((await secrets.getSecret(name, { version: current!.version! })).value).toBe(
        rotatedKey,
      );
      // Key Vault answers 403 for a disabled version's value, not the value.
      await expect(secrets.getSecret(name, { version: previous!.version! })).rejects.toMatchObject({
        statusCode: 403,
        code: 'Forbidden',
      });
    });

    it('sets and clears a request-rate cap for the connection', async () => {
      const created = await create({ requestsPerSecond: 20 });
      expect(created.json()).toMatchObject({ requestsPerSecond: 20 });
      const id = String(created.json().id);
      const cleared = await call('PATCH', `connections/${id}`, {
        as: admin,
        body: { requestsPerSecond: null },
      });
      expect(cleared.json()).not.toHaveProperty('requestsPerSecond');
      const invalid = await call('PATCH', `connections/${id}`, {
        as: admin,
        body: { requestsPerSecond: 0 },
      });
      expect(invalid.json()).toMatchObject({ error: { target: 'requestsPerSecond' } });
    });

    it('refuses an empty patch and unknown fields', async () => {
      const { id } = (await create()).json() as { id: string };
      expect((await call('PATCH', `connections/${id}`, { as: admin, body: {} })).status).toBe(400);
      const unknown = await call('PATCH', `connections/${id}`, {
        as: admin,
        body: { region: 'eu' },
      });
      expect((unknown.json().error as { details: unknown[] }).details).toContainEqual(
        expect.objectContaining({ code: 'UnknownField', target: 'region' }),
      );
    });
  });

  describe('DELETE /api/connections/{id}', () => {
    it('deletes the connection and its Key Vault secret', async () => {
      const { id } = (await create()).json() as { id: string };
      expect((await call('DELETE', `connections/${id}`, { as: admin })).status).toBe(204);
      expect((await call('GET', `connections/${id}`, { as: admin })).status).toBe(404);
      const secrets = createSecretClient(stack.vault.url);
      const name = connectionSecretName('11111111-1111-4111-8111-111111111111', id);
      await expect(secrets.getSecret(name)).rejects.toMatchObject({ statusCode: 404 });
      await expect(secrets.getDeletedSecret(name)).rejects.toMatchObject({ statusCode: 404 }); // purged
    });

    it('answers 409 naming the exports that still use the connection', async () => {
      const { id } = (await create()).json() as { id: string };
      const exportsTable = TableClient.fromConnectionString(stack.storage, 'exports', {
        allowInsecureConnection: true,
      });
      await exportsTable.createEntity({
        partitionKey: '11111111-1111-4111-8111-111111111111',
        rowKey: 'export-1',
        connectionId: id,
        displayName: 'Weekly newsletter',
      });
      const response = await call('DELETE', `connections/${id}`, { as: admin });
      expect(response.status).toBe(409);
      expect(response.json()).toMatchObject({
        error: { code: 'Conflict', details: [{ code: 'InUse', target: 'export-1' }] },
      });
      expect((response.json().error as { message: string }).message).toContain(
        '"Weekly newsletter"',
      );
      expect((await call('GET', `connections/${id}`, { as: admin })).status).toBe(200);
      await exportsTable.deleteEntity('11111111-1111-4111-8111-111111111111', 'export-1');
    });
  });

  describe('GET /api/audit', () => {
    it('records who changed what, newest first, paged, without a secret', async () => {
      const tenant = { roles: ['Admin'], tid: 'audited-tenant', oid: 'auditor' };
      const { id } = (await create({ displayName: 'Audited' }, tenant)).json() as { id: string };
      await call('PATCH', `connections/${id}`, {
        as: tenant,
        body: { displayName: 'Audited 2', apiKey: rotatedKey },
      });
      await call('DELETE', `connections/${id}`, { as: tenant });
      const first = await call('GET', 'audit?top=2', { as: tenant });
      const page1 = first.json() as {
        value: { action: string; actor: string; changes: unknown }[];
        nextLink: string;
      };
      expect(page1.value.map((entry) => entry.action)).toEqual([
        'connection.delete',
        'connection.update',
      ]);
      expect(page1.value[1]?.changes).toEqual({
        displayName: { from: 'Audited', to: 'Audited 2' },
        apiKey: `rotated (…${rotatedKey.slice(-4)})`,
      });
      expect(page1.value[0]?.actor).toBe('auditor');
      const next = new URL(page1.nextLink);
      const second = await call('GET', `audit${next.search}`, { as: tenant });
      expect((second.json().value as { action: string }[]).map((entry) => entry.action)).toEqual([
        'connection.create',
      ]);
    });
  });

  describe('GET /api/openapi.json', () => {
    it('describes every route from the same schemas, anonymously', async () => {
      const response = await call('GET', 'openapi.json');
      expect(response.status).toBe(200);
      interface Schema {
        $ref?: string;
        required?: string[];
        additionalProperties?: boolean;
      }
      const document = response.json() as {
        openapi: string;
        paths: Record<
          string,
          Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>
        >;
        components: { schemas: Record<string, Schema> };
      };
      expect(document.openapi).toBe('3.1.0');
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/api/connections',
          '/api/connections/{id}',
          '/api/audit',
          '/api/health',
        ]),
      );
      const body = document.paths['/api/connections']?.post?.requestBody;
      expect(body?.content['application/json']?.schema.$ref).toBe(
        '#/components/schemas/ConnectionCreate',
      );
      const createSchema = document.components.schemas.ConnectionCreate;
      expect(createSchema?.required).toEqual(
        expect.arrayContaining(['displayName', 'apiKey', 'consent']),
      );
      expect(createSchema?.additionalProperties).toBe(false);
    });
  });

  it('answers an unexpected failure with 500 and an error id that the log carries', async () => {
    const connections = TableClient.fromConnectionString(stack.storage, 'connections', {
      allowInsecureConnection: true,
    });
    const brokenId = '99999999-9999-4999-8999-999999999999';
    await connections.createEntity({
      partitionKey: '11111111-1111-4111-8111-111111111111',
      rowKey: brokenId,
      kind: 'connection',
    });
    const response = await call('GET', `connections/${brokenId}`, { as: admin });
    await connections.deleteEntity('11111111-1111-4111-8111-111111111111', brokenId);
    expect(response.status).toBe(500);
    const errorId =
      (response.json().error as { details: { message: string }[] }).details[0]?.message ?? '';
    expect(response.text).not.toMatch(/ZodError|stack|at /);
    await stack.host.waitForOutput(new RegExp(`Unexpected error.*"errorId":"${errorId}"`));
  });

  it('never lets an API key reach a response, a log line, a table, a queue or a blob', async () => {
    const everything = [
      ...responses.map((text) => ({ where: 'response', text })),
      { where: 'log', text: stack.host.output() },
      ...(await dumpStorage(stack.storage)),
    ];
    for (const key of [...keys, rejectedKey]) {
      expect(
        everything.filter((item) => item.text.includes(key)).map((item) => item.where),
      ).toEqual([]);
    }
    expect(responses.length).toBeGreaterThan(30);
  });
});
