import { randomBytes, randomUUID } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { odata, TableClient } from '@azure/data-tables';
import { devPlatformAppId, type TokenRequest } from '../../local/dev-issuer';
import { allOperations } from '../../shared/app/api-operations';
import type { Connection } from '../../shared/connections/connection-schemas';
import { startAppStack, type AppStack } from '../support/app-stack';
import {
  badTokenKinds,
  badTokenReasons,
  startBadTokenMinter,
  type BadTokenKind,
  type BadTokenMinter,
} from '../support/token-variants';

/**
 * Who may call what: every route the app serves × every kind of caller, each cell its own test.
 * Bad tokens carry the main tenant's Admin claims, so only the token's defect can refuse them.
 */

const principals = [
  'Viewer',
  'Contributor',
  'Admin',
  'Admin of another tenant',
  'Platform app',
] as const;
type Principal = (typeof principals)[number];
type Caller = BadTokenKind | Principal;
const callers: readonly Caller[] = [...badTokenKinds, ...principals];

// prettier-ignore
const expectedStatus: Record<string, readonly number[]> = {
  //                          no    expired wrong  wrong  unknown forged  Viewer Contri- Admin  Admin of Platform
  //                          token         aud    iss    key     sig            butor         another  app for
  //                                                                                           tenant   the tenant
  'POST connections':        [401,  401,    401,   401,   401,    401,    403,   403,    201,   201,    201],
  'GET connections':         [401,  401,    401,   401,   401,    401,    403,   200,    200,   200,    200],
  'GET connections/{id}':    [401,  401,    401,   401,   401,    401,    403,   200,    200,   404,    200],
  'PATCH connections/{id}':  [401,  401,    401,   401,   401,    401,    403,   403,    200,   404,    200],
  'DELETE connections/{id}': [401,  401,    401,   401,   401,    401,    403,   403,    204,   404,    204],
  'GET audit':               [401,  401,    401,   401,   401,    401,    403,   403,    200,   200,    200],
  'GET segments':            [401,  401,    401,   401,   401,    401,    200,   200,    200,   200,    200],
  'GET segments/{name}':     [401,  401,    401,   401,   401,    401,    200,   200,    200,   404,    200],
  'POST exports':            [401,  401,    401,   401,   401,    401,    403,   201,    201,   400,    201],
  'GET exports':             [401,  401,    401,   401,   401,    401,    200,   200,    200,   200,    200],
  'GET exports/{id}':        [401,  401,    401,   401,   401,    401,    200,   200,    200,   404,    200],
  'PATCH exports/{id}':      [401,  401,    401,   401,   401,    401,    403,   200,    200,   404,    200],
  'DELETE exports/{id}':     [401,  401,    401,   401,   401,    401,    403,   204,    204,   404,    204],
  'POST exports/{id}/runs':  [401,  401,    401,   401,   401,    401,    403,   202,    202,   404,    202],
  'GET exports/{id}/runs':   [401,  401,    401,   401,   401,    401,    200,   200,    200,   404,    200],
  'GET exports/{id}/runs/{runId}':
                             [401,  401,    401,   401,   401,    401,    200,   200,    200,   404,    200],
  'POST exports/{id}/runs/{runId}/cancel':
                             [401,  401,    401,   401,   401,    401,    403,   200,    200,   404,    200],
  'POST exports/{id}/runs/{runId}/confirm':
                             [401,  401,    401,   401,   401,    401,    403,   403,    200,   404,    200],
  'GET exports/{id}/runs/{runId}/rejections':
                             [401,  401,    401,   401,   401,    401,    403,   403,    200,   404,    200],
  'GET schedule':            [401,  401,    401,   401,   401,    401,    200,   200,    200,   200,    200],
  'PUT schedule':            [401,  401,    401,   401,   401,    401,    403,   403,    200,   200,    200],
  'POST webhooks':           [401,  401,    401,   401,   401,    401,    403,   403,    201,   201,    201],
  'GET webhooks':            [401,  401,    401,   401,   401,    401,    403,   403,    200,   200,    200],
  'GET webhooks/{id}':       [401,  401,    401,   401,   401,    401,    403,   403,    200,   404,    200],
  'DELETE webhooks/{id}':    [401,  401,    401,   401,   401,    401,    403,   403,    204,   404,    204],
  'POST refreshes':          [401,  401,    401,   401,   401,    401,    403,   403,    202,   202,    202],
  'GET health':              [200,  200,    200,   200,   200,    200,    200,   200,    200,   200,    200],
  'GET openapi.json':        [200,  200,    200,   200,   200,    200,    200,   200,    200,   200,    200],
};

const callerLabel: Record<Caller, string> = {
  'no token': 'with no token',
  expired: 'with a token expired an hour ago',
  'wrong audience': 'with a token for another audience',
  'wrong issuer': 'with a token from another issuer',
  'unknown signing key': 'with a token signed by a key the issuer never published',
  'forged signature': "with a token whose signature does not match its key's",
  Viewer: 'as Viewer',
  Contributor: 'as Contributor',
  Admin: 'as Admin',
  'Admin of another tenant': 'as Admin of another tenant',
  'Platform app': "as the platform's app acting for the tenant (x-tenant-id)",
};

const errorCodes: Record<number, string> = {
  400: 'InvalidRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
};

const routeKey = (operation: { method: string; route: string }) =>
  `${operation.method} ${operation.route}`;
const servedRoutes = allOperations().map((operation) => ({
  key: routeKey(operation),
  method: operation.method,
}));

/** A tenant's admin, the connection and export everyone reads, and every id it ever held. */
interface Tenant {
  admin: TokenRequest;
  shared?: Connection;
  sharedExport?: { id: string };
  ids: Set<string>;
}

type Reply = Awaited<ReturnType<AppStack['call']>>;

/** One prepared call of a route, with what must hold afterwards. */
interface Cell {
  path: string;
  body?: unknown;
  /** What a successful call must have done (or shown) for the caller's tenant. */
  succeeded(response: Reply, tenant: Tenant, otherTenant: Tenant): Promise<void>;
  /** What a refused call must have left as it was. */
  leftAlone(): Promise<void>;
}

describe('who may call what: every route × every caller', () => {
  const apiKey = randomBytes(16).toString('hex');
  const main: Tenant = {
    admin: { tid: randomUUID(), oid: randomUUID(), roles: ['Admin'] },
    ids: new Set(),
  };
  const other: Tenant = {
    admin: { tid: randomUUID(), oid: randomUUID(), roles: ['Admin'] },
    ids: new Set(),
  };
  const claims: Record<Principal, TokenRequest> = {
    Viewer: { tid: main.admin.tid, oid: randomUUID(), roles: ['Viewer'] },
    Contributor: { tid: main.admin.tid, oid: randomUUID(), roles: ['Contributor'] },
    Admin: main.admin,
    'Admin of another tenant': other.admin,
    'Platform app': {
      tid: randomUUID(),
      oid: null,
      roles: ['Platform'],
      idtyp: 'app',
      azp: devPlatformAppId,
    },
  };
  let stack: AppStack;
  let badTokens: BadTokenMinter;
  let names = 0;
  const nextName = () => `Auth matrix ${++names}`;

  function sharedOf(tenant: Tenant): Connection {
    if (!tenant.shared) throw new Error('beforeAll did not create the shared connection');
    return tenant.shared;
  }

  const isBadToken = (caller: Caller): caller is BadTokenKind =>
    (badTokenKinds as readonly string[]).includes(caller);
  const tenantOf = (caller: Caller) => (caller === 'Admin of another tenant' ? other : main);

  async function callAs(caller: Caller, method: string, path: string, body?: unknown) {
    const token = isBadToken(caller)
      ? await badTokens.mint(caller, main.admin)
      : await stack.token(claims[caller]);
    const headers = caller === 'Platform app' ? { 'x-tenant-id': main.admin.tid! } : undefined;
    return stack.call(method, path, { token, body, headers });
  }

  /** A new connection in `tenant` that contributors may use, made by its admin. */
  async function createConnection(tenant: Tenant): Promise<Connection> {
    const response = await stack.call('POST', 'connections', {
      as: tenant.admin,
      body: createBody(nextName()),
    });
    expect(response.status).toBe(201);
    const connection = response.json() as unknown as Connection;
    tenant.ids.add(connection.id);
    return connection;
  }

  function createBody(displayName: string) {
    return { displayName, apiKey, allowContributors: true, consent: { accepted: true } };
  }

  /** The connection as its own tenant's admin sees it now. */
  async function current(tenant: Tenant, id: string) {
    const response = await stack.call('GET', `connections/${id}`, { as: tenant.admin });
    return { status: response.status, body: response.status === 200 ? response.json() : {} };
  }

  const segmentName = 'Auth matrix ünïcode segment';
  /** The main tenant's segments, in the catalog's order: the shared export's, then one per export. */
  const mainSegments: string[] = [];

  /** Uploads a snapshot of just the header, for `name` in the main tenant. */
  async function addSegment(name = `${segmentName} ${mainSegments.length}`) {
    const header = 'email,first_name\n';
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${main.admin.tid}/${name}.csv`)
      .upload(header, header.length);
    mainSegments.push(name);
    return name;
  }

  const scheduleZone = (tenant: Tenant) =>
    tenant === main ? 'Europe/Amsterdam' : 'America/New_York';

  function sharedExportOf(tenant: Tenant): { id: string } {
    if (!tenant.sharedExport) throw new Error('beforeAll did not create the shared export');
    return tenant.sharedExport;
  }

  /** An export of a segment of its own: an Iterable list has one owning export. */
  async function exportBody(displayName: string, segment?: string) {
    return {
      displayName,
      connectionId: sharedOf(main).id,
      segments: [segment ?? (await addSegment())],
      emailField: 'email',
    };
  }

  async function createExport(
    tenant: Tenant,
    segment?: string,
  ): Promise<{ id: string } & Record<string, unknown>> {
    const response = await stack.call('POST', 'exports', {
      as: tenant.admin,
      body: await exportBody(nextName(), segment),
    });
    expect(response.status).toBe(201);
    const created = response.json() as { id: string };
    tenant.ids.add(created.id);
    return created;
  }

  async function createRun() {
    const subject = await createExport(main);
    const response = await stack.call('POST', `exports/${subject.id}/runs`, {
      as: main.admin,
      body: {},
    });
    expect(response.status).toBe(202);
    const run = response.json() as { id: string };
    main.ids.add(run.id);
    return { subject, run };
  }

  /** Puts a queued run where the mass-removal guard would leave it (the planner is off here). */
  async function holdForConfirmation(runId: string) {
    const runs = TableClient.fromConnectionString(stack.storage, 'runs', {
      allowInsecureConnection: true,
    });
    for await (const entity of runs.listEntities<{ run: string }>({
      queryOptions: { filter: odata`PartitionKey eq ${main.admin.tid} and runId eq ${runId}` },
    })) {
      if (!entity.run) continue; // the export's active-run marker names the run too
      const run = JSON.parse(entity.run) as Record<string, unknown>;
      await runs.updateEntity(
        {
          partitionKey: String(main.admin.tid),
          rowKey: String(entity.rowKey),
          run: JSON.stringify({ ...run, status: 'awaitingConfirmation' }),
        },
        'Merge',
      );
    }
  }

  async function readExport(id: string) {
    const response = await stack.call('GET', `exports/${id}`, { as: main.admin });
    return { status: response.status, body: response.status === 200 ? response.json() : {} };
  }

  async function runsOf(exportId: string) {
    const response = await stack.call('GET', `exports/${exportId}/runs`, { as: main.admin });
    return response.json().value as { status: string }[];
  }

  async function exportNamesIn(tenant: Tenant): Promise<string[]> {
    const response = await stack.call('GET', 'exports', { as: tenant.admin });
    return (response.json().value as { displayName: string }[]).map((item) => item.displayName);
  }

  async function displayNamesIn(tenant: Tenant): Promise<string[]> {
    const response = await stack.call('GET', 'connections', { as: tenant.admin });
    expect(response.status).toBe(200);
    return (response.json().value as Connection[]).map((connection) => connection.displayName);
  }

  /** A public address literal: registering it needs no DNS, and nothing here delivers to it. */
  const webhookBody = {
    url: 'https://93.184.215.14/auth-matrix',
    secret: randomBytes(16).toString('hex'),
  };
  let sharedWebhook: string | undefined;

  async function createWebhook(tenant: Tenant): Promise<string> {
    const response = await stack.call('POST', 'webhooks', { as: tenant.admin, body: webhookBody });
    expect(response.status).toBe(201);
    const id = String(response.json().id);
    tenant.ids.add(id);
    return id;
  }

  async function sharedWebhookOf(tenant: Tenant): Promise<string> {
    sharedWebhook ??= await createWebhook(tenant);
    return sharedWebhook;
  }

  async function webhookIdsIn(tenant: Tenant): Promise<string[]> {
    const response = await stack.call('GET', 'webhooks?top=100', { as: tenant.admin });
    expect(response.status).toBe(200);
    return (response.json().value as { id: string }[]).map((item) => item.id);
  }

  const arrange: Record<string, () => Promise<Cell>> = {
    'POST connections': () => {
      const displayName = nextName();
      return Promise.resolve({
        path: 'connections',
        body: createBody(displayName),
        succeeded: async (response, tenant, otherTenant) => {
          const created = response.json() as unknown as Connection;
          expect(created.displayName).toBe(displayName);
          expect(response.text).not.toContain(apiKey);
          expect(await displayNamesIn(tenant)).toContain(displayName);
          expect(await displayNamesIn(otherTenant)).not.toContain(displayName);
        },
        leftAlone: async () => {
          expect(await displayNamesIn(main)).not.toContain(displayName);
          expect(await displayNamesIn(other)).not.toContain(displayName);
        },
      });
    },
    'GET connections': () =>
      Promise.resolve({
        path: 'connections',
        succeeded: (response, tenant, otherTenant) => {
          const ids = (response.json().value as Connection[]).map((connection) => connection.id);
          expect(ids).toContain(sharedOf(tenant).id);
          expect(ids).not.toContain(sharedOf(otherTenant).id);
          expect(response.text).not.toContain(apiKey);
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      }),
    'GET connections/{id}': () =>
      Promise.resolve({
        path: `connections/${sharedOf(main).id}`,
        succeeded: (response) => {
          expect(response.json()).toEqual(sharedOf(main));
          expect(response.text).not.toContain(apiKey);
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      }),
    'PATCH connections/{id}': async () => {
      const subject = await createConnection(main);
      const displayName = nextName();
      return {
        path: `connections/${subject.id}`,
        body: { displayName },
        succeeded: async (response) => {
          expect(response.json()).toMatchObject({ id: subject.id, displayName });
          expect(await current(main, subject.id)).toMatchObject({ body: { displayName } });
        },
        leftAlone: async () => {
          expect(await current(main, subject.id)).toEqual({ status: 200, body: subject });
        },
      };
    },
    'DELETE connections/{id}': async () => {
      const subject = await createConnection(main);
      return {
        path: `connections/${subject.id}`,
        succeeded: async (response) => {
          expect(response.text).toBe('');
          expect((await current(main, subject.id)).status).toBe(404);
        },
        leftAlone: async () => {
          expect(await current(main, subject.id)).toEqual({ status: 200, body: subject });
        },
      };
    },
    'GET audit': () =>
      Promise.resolve({
        path: 'audit',
        succeeded: (response, tenant) => {
          const entries = response.json().value as { resourceId: string }[];
          expect(entries.length).toBeGreaterThan(0);
          const foreign = entries.filter((entry) => !tenant.ids.has(entry.resourceId));
          expect(foreign).toEqual([]);
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      }),
    'GET segments': () =>
      Promise.resolve({
        path: 'segments',
        succeeded: (response, tenant) => {
          const names = (response.json().value as { name: string }[]).map(
            (segment) => segment.name,
          );
          expect(names).toEqual(tenant === main ? mainSegments : []);
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      }),
    'GET segments/{name}': () =>
      Promise.resolve({
        path: `segments/${encodeURIComponent(segmentName)}`,
        succeeded: (response) => {
          expect(response.json()).toMatchObject({
            name: segmentName,
            columns: ['email', 'first_name'],
          });
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      }),
    'POST exports': async () => {
      const displayName = nextName();
      return {
        path: 'exports',
        body: await exportBody(displayName),
        succeeded: async (response, tenant) => {
          expect(response.json()).toMatchObject({ displayName });
          expect(await exportNamesIn(tenant)).toContain(displayName);
        },
        leftAlone: async () => {
          expect(await exportNamesIn(main)).not.toContain(displayName);
          expect(await exportNamesIn(other)).not.toContain(displayName);
        },
      };
    },
    'GET exports': () =>
      Promise.resolve({
        path: 'exports',
        succeeded: (response, tenant) => {
          const ids = (response.json().value as { id: string }[]).map((item) => item.id);
          if (tenant === main) expect(ids).toContain(sharedExportOf(main).id);
          else expect(ids).not.toContain(sharedExportOf(main).id);
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      }),
    'GET exports/{id}': () =>
      Promise.resolve({
        path: `exports/${sharedExportOf(main).id}`,
        succeeded: (response) => {
          expect(response.json()).toMatchObject({ id: sharedExportOf(main).id });
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      }),
    'PATCH exports/{id}': async () => {
      const subject = await createExport(main);
      const displayName = nextName();
      return {
        path: `exports/${subject.id}`,
        body: { displayName },
        succeeded: async () => {
          expect((await readExport(subject.id)).body).toMatchObject({ displayName });
        },
        leftAlone: async () => {
          expect(await readExport(subject.id)).toEqual({ status: 200, body: subject });
        },
      };
    },
    'DELETE exports/{id}': async () => {
      const subject = await createExport(main);
      return {
        path: `exports/${subject.id}`,
        succeeded: async () => {
          expect((await readExport(subject.id)).status).toBe(404);
        },
        leftAlone: async () => {
          expect(await readExport(subject.id)).toEqual({ status: 200, body: subject });
        },
      };
    },
    'POST exports/{id}/runs': async () => {
      const subject = await createExport(main);
      return {
        path: `exports/${subject.id}/runs`,
        body: {},
        succeeded: async (response) => {
          expect(response.json()).toMatchObject({ status: 'queued', exportId: subject.id });
          expect(await runsOf(subject.id)).toHaveLength(1);
        },
        leftAlone: async () => {
          expect(await runsOf(subject.id)).toEqual([]);
        },
      };
    },
    'GET exports/{id}/runs': () =>
      Promise.resolve({
        path: `exports/${sharedExportOf(main).id}/runs`,
        succeeded: (response) => {
          expect(response.json().value).toEqual([]);
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      }),
    'GET exports/{id}/runs/{runId}': async () => {
      const { subject, run } = await createRun();
      return {
        path: `exports/${subject.id}/runs/${run.id}`,
        succeeded: (response) => {
          expect(response.json()).toMatchObject({ id: run.id, status: 'queued' });
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      };
    },
    'POST exports/{id}/runs/{runId}/cancel': async () => {
      const { subject, run } = await createRun();
      return {
        path: `exports/${subject.id}/runs/${run.id}/cancel`,
        succeeded: async () => {
          expect((await runsOf(subject.id))[0]).toMatchObject({ status: 'cancelled' });
        },
        leftAlone: async () => {
          expect((await runsOf(subject.id))[0]).toMatchObject({ status: 'queued' });
        },
      };
    },
    'POST exports/{id}/runs/{runId}/confirm': async () => {
      const { subject, run } = await createRun();
      await holdForConfirmation(run.id);
      return {
        path: `exports/${subject.id}/runs/${run.id}/confirm`,
        succeeded: async () => {
          expect((await runsOf(subject.id))[0]).toMatchObject({ status: 'running' });
        },
        leftAlone: async () => {
          expect((await runsOf(subject.id))[0]).toMatchObject({ status: 'awaitingConfirmation' });
        },
      };
    },
    'GET exports/{id}/runs/{runId}/rejections': async () => {
      const { subject, run } = await createRun();
      return {
        path: `exports/${subject.id}/runs/${run.id}/rejections`,
        succeeded: (response) => {
          expect(response.json().value).toEqual([]);
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      };
    },
    'GET schedule': () =>
      Promise.resolve({
        path: 'schedule',
        succeeded: (response, tenant) => {
          expect(response.json()).toMatchObject({ timeZone: scheduleZone(tenant) });
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      }),
    'PUT schedule': () => {
      const cron = `${++names % 60} 5 * * *`;
      return Promise.resolve({
        path: 'schedule',
        body: { cron, timeZone: scheduleZone(main) },
        succeeded: async (response, tenant) => {
          tenant.ids.add('refresh');
          const read = await stack.call('GET', 'schedule', { as: tenant.admin });
          expect(read.json()).toMatchObject({ cron });
        },
        leftAlone: async () => {
          const read = await stack.call('GET', 'schedule', { as: main.admin });
          expect(read.json()).not.toMatchObject({ cron });
        },
      });
    },
    'POST webhooks': async () => {
      const before = await webhookIdsIn(main);
      return {
        path: 'webhooks',
        body: webhookBody,
        succeeded: async (response, tenant, otherTenant) => {
          const id = String(response.json().id);
          expect(response.text).not.toContain(webhookBody.secret);
          expect(await webhookIdsIn(tenant)).toContain(id);
          expect(await webhookIdsIn(otherTenant)).not.toContain(id);
        },
        leftAlone: async () => expect(await webhookIdsIn(main)).toEqual(before),
      };
    },
    'GET webhooks': async () => {
      const id = await sharedWebhookOf(main);
      return {
        path: 'webhooks',
        succeeded: (response, tenant) => {
          const ids = (response.json().value as { id: string }[]).map((item) => item.id);
          if (tenant === main) expect(ids).toContain(id);
          else expect(ids).not.toContain(id);
          expect(response.text).not.toContain(webhookBody.secret);
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      };
    },
    'GET webhooks/{id}': async () => {
      const id = await sharedWebhookOf(main);
      return {
        path: `webhooks/${id}`,
        succeeded: (response) => {
          expect(response.json()).toMatchObject({ id, url: webhookBody.url });
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      };
    },
    'DELETE webhooks/{id}': async () => {
      const id = await createWebhook(main);
      return {
        path: `webhooks/${id}`,
        succeeded: async () => expect(await webhookIdsIn(main)).not.toContain(id),
        leftAlone: async () => expect(await webhookIdsIn(main)).toContain(id),
      };
    },
    'POST refreshes': () =>
      // A segment no export uses: a refresh of the shared exports would hold them with runs.
      Promise.resolve({
        path: 'refreshes',
        body: { refreshedAt: new Date().toISOString(), segments: [nextName()] },
        succeeded: (response) => {
          expect(response.json().value).toEqual([]);
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      }),
    'GET health': () =>
      Promise.resolve({
        path: 'health',
        succeeded: (response) => {
          expect(response.json()).toMatchObject({ status: 'healthy' });
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      }),
    'GET openapi.json': () =>
      Promise.resolve({
        path: 'openapi.json',
        succeeded: (response) => {
          expect(response.json().openapi).toMatch(/^3\.1\./);
          return Promise.resolve();
        },
        leftAlone: () => Promise.resolve(),
      }),
  };

  beforeAll(async () => {
    // Runs stay queued: the matrix is about who may call what, not about the pipeline.
    stack = await startAppStack({
      apiKeys: [apiKey],
      env: {
        'AzureWebJobs.plan-run.Disabled': 'true',
        'AzureWebJobs.plan-run-on-demand.Disabled': 'true',
        // Runs never end here (no planner), and the matrix starts more than fair use allows.
        MAX_ACTIVE_RUNS_PER_TENANT: '1000',
        MAX_ACTIVE_RUNS_PER_CONNECTION: '1000',
      },
    });
    badTokens = await startBadTokenMinter(stack.issuer);
    main.shared = await createConnection(main);
    other.shared = await createConnection(other);
    main.sharedExport = await createExport(main, await addSegment(segmentName));
    for (const tenant of [main, other]) {
      const body = { cron: '0 6 * * *', timeZone: scheduleZone(tenant) };
      expect((await stack.call('PUT', 'schedule', { as: tenant.admin, body })).status).toBe(200);
      tenant.ids.add('refresh');
    }
  }, 120_000);
  afterAll(async () => {
    await badTokens?.close();
    await stack?.stop();
  });

  it('has a row for exactly the routes the app serves, with a status for every caller', () => {
    const served = servedRoutes.map((route) => route.key).sort();
    expect(Object.keys(expectedStatus).sort()).toEqual(served);
    expect(Object.keys(arrange).sort()).toEqual(served);
    for (const statuses of Object.values(expectedStatus)) {
      expect(statuses).toHaveLength(callers.length);
    }
  });

  const cells = servedRoutes.flatMap(({ key, method }) =>
    callers.map((caller, column) => {
      const status = expectedStatus[key]?.[column];
      const outcome = status ?? 'no expected status';
      return { key, method, caller, status, name: `${key} ${callerLabel[caller]} → ${outcome}` };
    }),
  );

  it.each(cells)('$name', async ({ key, method, caller, status }) => {
    const prepare = arrange[key];
    if (status === undefined || !prepare) {
      throw new Error(`The matrix has no row for ${key}: add its statuses and how to call it.`);
    }
    const cell = await prepare();
    const response = await callAs(caller, method, cell.path, cell.body);
    // Whatever a call created belongs to its token's tenant, even when it should not have been
    // created; recorded before any check, so the audit cells tell foreign entries from this file's.
    if (response.status === 201 || response.status === 202) {
      tenantOf(caller).ids.add(String(response.json().id));
    }

    // Status and body in one string, so that a wrong status shows why.
    expect(`${response.status} ${response.text}`).toMatch(new RegExp(`^${status} `));
    if (status < 400) {
      await cell.succeeded(response, tenantOf(caller), tenantOf(caller) === main ? other : main);
      return;
    }
    const code = errorCodes[status];
    expect(response.headers.get('x-ms-error-code')).toBe(code);
    // A refused token's message names what was wrong with it, so each is refused for its defect.
    const message: unknown = isBadToken(caller)
      ? expect.stringMatching(badTokenReasons[caller])
      : expect.any(String);
    const body = response.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(body).toMatchObject({ error: { code, message } });
    if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    await cell.leftAlone();
  });
});
