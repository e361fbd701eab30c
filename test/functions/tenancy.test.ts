import { randomBytes, randomUUID } from 'node:crypto';
import { devPlatformAppId, type TokenRequest } from '../../local/dev-issuer';
import { startAppStack, type AppStack } from '../support/app-stack';

/**
 * Entra's multi-tenant form, as the platform calls: users of two customer tenants with their own
 * tokens, and the platform's own app acting for a tenant it names in x-tenant-id.
 */
const tenantA = randomUUID();
const tenantB = randomUUID();
const platformTenant = randomUUID();
const strangerTenant = randomUUID();
const apiKey = randomBytes(16).toString('hex');

const userOf = (tid: string, roles = ['Admin']): TokenRequest => ({
  tid,
  oid: randomUUID(),
  roles,
  idtyp: 'user',
  scp: 'access_as_user',
  tenantIssuer: true,
});
const platformApp: TokenRequest = {
  tid: platformTenant,
  oid: null,
  roles: ['Platform'],
  idtyp: 'app',
  azp: devPlatformAppId,
  tenantIssuer: true,
};

describe('tenancy: Entra multi-tenant tokens and the platform app', () => {
  let stack: AppStack;
  let names = 0;

  const createConnection = (as: TokenRequest, headers?: Record<string, string>, extra = {}) =>
    stack.call('POST', 'connections', {
      as,
      headers,
      body: {
        displayName: `Connection ${++names}`,
        apiKey,
        consent: { accepted: true },
        ...extra,
      },
    });
  const connectionIds = async (as: TokenRequest, headers?: Record<string, string>) => {
    const response = await stack.call('GET', 'connections', { as, headers });
    expect(response.status).toBe(200);
    return (response.json().value as { id: string }[]).map((connection) => connection.id);
  };

  beforeAll(async () => {
    stack = await startAppStack({
      apiKeys: [apiKey],
      // Not the platform's own tenant: its app is trusted by client id, its users are not served.
      allowedTenants: [tenantA, tenantB].join(','),
    });
  });
  afterAll(() => stack.stop());

  it("keeps two tenants' users apart: each sees only its own tenant's connections", async () => {
    const adminA = userOf(tenantA);
    const adminB = userOf(tenantB);
    const inA = await createConnection(adminA);
    const inB = await createConnection(adminB);
    expect([inA.status, inB.status]).toEqual([201, 201]);
    const idA = inA.json().id as string;
    const idB = inB.json().id as string;
    expect(await connectionIds(adminA)).toEqual([idA]);
    expect(await connectionIds(adminB)).toEqual([idB]);
    // A user's token acts for its own tenant whatever x-tenant-id says.
    expect(await connectionIds(adminA, { 'x-tenant-id': tenantB })).toEqual([idA]);
    const across = await stack.call('GET', `connections/${idB}`, { as: adminA });
    expect(across.status).toBe(404);
  });

  it('refuses a token from a tenant not allowed, and one whose iss names another tenant', async () => {
    const stranger = await stack.call('GET', 'connections', { as: userOf(strangerTenant) });
    expect(stranger.status).toBe(401);
    expect(stranger.json()).toMatchObject({
      error: {
        code: 'Unauthorized',
        message: expect.stringMatching(/tenant is not allowed/) as unknown,
      },
    });
    const forged = await stack.call('GET', 'connections', {
      as: { ...userOf(tenantA), issuer: `${stack.issuer.issuer}/${tenantB}/v2.0` },
    });
    expect(forged.status).toBe(401);
    expect(forged.json()).toMatchObject({
      error: { message: expect.stringMatching(/\biss\b/) as unknown },
    });
    const singleIssuer = await stack.call('GET', 'connections', {
      as: { ...userOf(tenantA), tenantIssuer: false },
    });
    expect(singleIssuer.status).toBe(401);
  });

  it('lets the platform app act for the tenant in x-tenant-id, audited as the app for that tenant', async () => {
    const created = await createConnection(platformApp, { 'x-tenant-id': tenantB });
    expect(created.status).toBe(201);
    const connection = created.json();
    expect(connection).toMatchObject({ createdBy: devPlatformAppId, exportUsers: [] });
    expect(await connectionIds(userOf(tenantB))).toContain(connection.id);
    expect(await connectionIds(userOf(tenantA))).not.toContain(connection.id);
    expect(await connectionIds(platformApp, { 'x-tenant-id': tenantA })).not.toContain(
      connection.id,
    );

    const audit = await stack.call('GET', 'audit', { as: userOf(tenantB) });
    const entry = (audit.json().value as Record<string, unknown>[]).find(
      (candidate) => candidate.resourceId === connection.id,
    );
    expect(entry).toMatchObject({
      action: 'connection.create',
      tenantId: tenantB,
      actor: devPlatformAppId,
      actorType: 'app',
      appTenantId: platformTenant,
    });
  });

  it('names export users explicitly when the platform app creates a connection', async () => {
    const person = randomUUID();
    const named = await createConnection(
      platformApp,
      { 'x-tenant-id': tenantA },
      { exportUsers: [person] },
    );
    expect(named.status).toBe(201);
    expect(named.json()).toMatchObject({ exportUsers: [person] });
    const self = await createConnection(
      platformApp,
      { 'x-tenant-id': tenantA },
      { addSelfAsExportUser: true },
    );
    expect(self.status).toBe(400);
    expect(self.json()).toMatchObject({
      error: {
        target: 'addSelfAsExportUser',
        message: expect.stringMatching(/exportUsers/) as unknown,
      },
    });
  });

  it('answers 400 naming x-tenant-id when a Platform token names no tenant', async () => {
    const response = await stack.call('GET', 'connections', { as: platformApp });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-ms-error-code')).toBe('TenantRequired');
    expect(response.json()).toMatchObject({ error: { target: 'x-tenant-id' } });
  });

  it('refuses the platform app for a tenant not served, and an app the operator does not trust', async () => {
    const stranger = await stack.call('GET', 'connections', {
      as: platformApp,
      headers: { 'x-tenant-id': strangerTenant },
    });
    expect(stranger.status).toBe(403);
    const untrusted = await stack.call('GET', 'connections', {
      as: { ...platformApp, azp: randomUUID() },
      headers: { 'x-tenant-id': tenantA },
    });
    expect(untrusted.status).toBe(403);
    expect(untrusted.json()).toMatchObject({
      error: { message: expect.stringMatching(/not trusted to act as the platform/) as unknown },
    });
  });

  it("files what the platform writes for an upper-case tenant id under the tenant's own id", async () => {
    const created = await createConnection(platformApp, { 'x-tenant-id': tenantA.toUpperCase() });
    expect(created.status).toBe(201);
    expect(await connectionIds(userOf(tenantA))).toContain(created.json().id);
  });

  it("refuses the platform's own tenant's users, which are not served here", async () => {
    const response = await stack.call('GET', 'connections', { as: userOf(platformTenant) });
    expect(response.status).toBe(401);
  });

  it('gives a user holding the Platform role nothing more than their other roles', async () => {
    const response = await stack.call('GET', 'connections', {
      as: userOf(tenantA, ['Platform']),
      headers: { 'x-tenant-id': tenantB },
    });
    expect(response.status).toBe(403);
  });
});
