import { randomBytes } from 'node:crypto';
import { createSecretClient } from '../../shared/clients/key-vault';
import { startAppStack, type AppStack } from '../support/app-stack';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';

/**
 * No half-made connections: with Key Vault or Table storage failing at each step, a connection
 * never exists without its key, and a live key never exists without its connection.
 */
describe('connections under faults', () => {
  const key = randomBytes(16).toString('hex');
  const rotated = randomBytes(16).toString('hex');
  let stack: AppStack;
  let vaultProxy: FaultProxy;
  let tableProxy: FaultProxy;
  let tenantCounter = 0;

  const tableFailure = {
    status: 403,
    body: {
      'odata.error': {
        code: 'AuthorizationPermissionMismatch',
        message: { lang: 'en-US', value: 'injected' },
      },
    },
  };
  const vaultFailure = { status: 403, body: { error: { code: 'Forbidden', message: 'injected' } } };

  function nextTenant() {
    return {
      roles: ['Admin'],
      tid: `fault-tenant-${++tenantCounter}-${randomBytes(3).toString('hex')}`,
    };
  }

  /** Secrets the vault holds for a tenant, read straight from the stand-in (not through the proxy). */
  async function liveSecrets(tenantId: string) {
    const secrets = createSecretClient(stack.vault.url);
    const found: { name: string; enabled: boolean; versions: { enabled: boolean }[] }[] = [];
    for await (const secret of secrets.listPropertiesOfSecrets()) {
      if (secret.tags?.tenantId !== tenantId) continue;
      const versions: { enabled: boolean }[] = [];
      for await (const version of secrets.listPropertiesOfSecretVersions(secret.name)) {
        versions.push({ enabled: version.enabled ?? true });
      }
      found.push({ name: secret.name, enabled: secret.enabled ?? true, versions });
    }
    return found;
  }

  async function connectionsOf(as: Record<string, unknown>) {
    return (await stack.call('GET', 'connections', { as })).json().value as {
      id: string;
      keyHint: string;
    }[];
  }

  beforeAll(async () => {
    const storage = process.env.AzureWebJobsStorage ?? '';
    const tableEndpoint = /TableEndpoint=(http:\/\/[^/;]+)/.exec(storage)?.[1] ?? '';
    tableProxy = await startFaultProxy(tableEndpoint);
    stack = await startAppStack({
      apiKeys: [key, rotated],
      env: { AzureWebJobsStorage: storage.replace(tableEndpoint, tableProxy.url) },
      keyVaultUrlFor: async (standInUrl) => {
        vaultProxy = await startFaultProxy(standInUrl);
        return vaultProxy.url;
      },
    });
  });
  afterEach(() => {
    vaultProxy.clear();
    tableProxy.clear();
  });
  afterAll(async () => {
    await stack.stop();
    await Promise.all([vaultProxy.close(), tableProxy.close()]);
  });

  it('saves nothing when Key Vault refuses the key at create', async () => {
    const tenant = nextTenant();
    vaultProxy.fail({ method: 'PUT', pathIncludes: '/secrets/', ...vaultFailure });
    const response = await stack.call('POST', 'connections', {
      as: tenant,
      body: { displayName: 'A', apiKey: key, consent: { accepted: true } },
    });
    expect(response.status).toBe(502);
    expect(response.json()).toMatchObject({
      error: { code: 'DependencyFailed', target: 'keyVault' },
    });
    expect(await connectionsOf(tenant)).toEqual([]);
    expect(await liveSecrets(tenant.tid)).toEqual([]);
  });

  it('removes the stored key when the table write fails at create', async () => {
    const tenant = nextTenant();
    tableProxy.fail({ method: 'POST', pathIncludes: '$batch', ...tableFailure });
    const response = await stack.call('POST', 'connections', {
      as: tenant,
      body: { displayName: 'B', apiKey: key, consent: { accepted: true } },
    });
    expect(response.status).toBe(500);
    tableProxy.clear();
    expect(await connectionsOf(tenant)).toEqual([]);
    expect(await liveSecrets(tenant.tid)).toEqual([]);
  });

  it('keeps the old key in use and disables the new version when the table write fails at rotation', async () => {
    const tenant = nextTenant();
    const created = await stack.call('POST', 'connections', {
      as: tenant,
      body: { displayName: 'C', apiKey: key, consent: { accepted: true } },
    });
    const { id } = created.json() as { id: string };
    tableProxy.fail({ method: 'POST', pathIncludes: '$batch', ...tableFailure });
    const response = await stack.call('PATCH', `connections/${id}`, {
      as: tenant,
      body: { apiKey: rotated },
    });
    expect(response.status).toBe(500);
    tableProxy.clear();
    const [connection] = await connectionsOf(tenant);
    expect(connection?.keyHint).toBe(`…${key.slice(-4)}`);
    const [secret] = await liveSecrets(tenant.tid);
    expect(secret?.versions).toHaveLength(2);
    expect(secret?.versions.filter((version) => version.enabled)).toHaveLength(1);
  });

  it('completes a rotation when Key Vault cannot disable the previous version, leaving it enabled', async () => {
    const tenant = nextTenant();
    const created = await stack.call('POST', 'connections', {
      as: tenant,
      body: { displayName: 'R', apiKey: key, consent: { accepted: true } },
    });
    const { id } = created.json() as { id: string };
    vaultProxy.fail({ method: 'PATCH', pathIncludes: '/secrets/', ...vaultFailure });
    const response = await stack.call('PATCH', `connections/${id}`, {
      as: tenant,
      body: { apiKey: rotated },
    });
    vaultProxy.clear();
    expect(response.status).toBe(200);
    expect(response.json().keyHint).toBe(`…${rotated.slice(-4)}`);
    const [secret] = await liveSecrets(tenant.tid);
    expect(secret?.versions).toEqual([{ enabled: true }, { enabled: true }]);
    await stack.host.waitForOutput(/Could not disable the secret version a rotation replaced/);
  });

  it('keeps the connection and its key when Key Vault cannot delete the key', async () => {
    const tenant = nextTenant();
    const { id } = (
      await stack.call('POST', 'connections', {
        as: tenant,
        body: { displayName: 'D', apiKey: key, consent: { accepted: true } },
      })
    ).json() as { id: string };
    vaultProxy.fail({ method: 'DELETE', pathIncludes: '/secrets/', ...vaultFailure });
    const response = await stack.call('DELETE', `connections/${id}`, { as: tenant });
    expect(response.status).toBe(502);
    expect(response.json()).toMatchObject({ error: { target: 'keyVault' } });
    vaultProxy.clear();
    expect((await stack.call('GET', `connections/${id}`, { as: tenant })).status).toBe(200);
    expect(await liveSecrets(tenant.tid)).toHaveLength(1);
    // The name is still reserved by the restored connection.
    const again = await stack.call('POST', 'connections', {
      as: tenant,
      body: { displayName: 'D', apiKey: key, consent: { accepted: true } },
    });
    expect(again.status).toBe(409);
  });

  it('keeps the connection and its key when the table delete fails', async () => {
    const tenant = nextTenant();
    const { id } = (
      await stack.call('POST', 'connections', {
        as: tenant,
        body: { displayName: 'E', apiKey: key, consent: { accepted: true } },
      })
    ).json() as { id: string };
    tableProxy.fail({ method: 'POST', pathIncludes: '$batch', ...tableFailure });
    expect((await stack.call('DELETE', `connections/${id}`, { as: tenant })).status).toBe(500);
    tableProxy.clear();
    expect((await stack.call('GET', `connections/${id}`, { as: tenant })).status).toBe(200);
    expect(await liveSecrets(tenant.tid)).toHaveLength(1);
  });

  it('answers 502 and saves nothing when Iterable is unreachable at create', async () => {
    const unreachable = await startAppStack({ env: { ITERABLE_BASE_URL: 'http://127.0.0.1:9' } });
    try {
      const response = await unreachable.call('POST', 'connections', {
        as: { roles: ['Admin'], tid: 'unreachable-tenant' },
        body: { displayName: 'F', apiKey: key, consent: { accepted: true } },
      });
      expect(response.status).toBe(502);
      expect(response.json()).toMatchObject({
        error: {
          code: 'DependencyFailed',
          target: 'iterable',
          message: expect.stringContaining('nothing was saved') as unknown,
        },
      });
      const list = await unreachable.call('GET', 'connections', {
        as: { roles: ['Admin'], tid: 'unreachable-tenant' },
      });
      expect(list.json().value).toEqual([]);
    } finally {
      await unreachable.stop();
    }
  });
});
