import { startKeyVaultStandIn, type KeyVaultStandIn } from '../../local/key-vault/server';
import { startHostProcess, type HostProcess } from '../support/host-process';
import { appPackageRoot } from '../support/app-package';

/** The real app (package.json main) on the local host, with the given settings. */
function startApp(env: Record<string, string>): Promise<HostProcess> {
  // The issuer is never asked: health needs no token.
  const auth = {
    AUTH_ISSUER: 'http://127.0.0.1:9',
    AUTH_AUDIENCE: 'api://test',
    AUTH_JWKS_URL: 'http://127.0.0.1:9/keys',
  };
  return startHostProcess({ scriptRoot: appPackageRoot(), env: { ...auth, ...env } });
}

describe('GET /api/health', () => {
  let vault: KeyVaultStandIn;
  beforeAll(async () => {
    vault = await startKeyVaultStandIn();
  });
  afterAll(() => vault.close());

  it('answers 200 with the version when storage and Key Vault are reachable, without a token', async () => {
    const app = await startApp({ KEY_VAULT_URL: vault.url });
    try {
      const response = await fetch(`${app.url}/api/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: 'healthy',
        version: expect.stringMatching(/^\d+\.\d+\.\d+/) as unknown,
        checks: { storage: { status: 'healthy' }, keyVault: { status: 'healthy' } },
      });
    } finally {
      await app.stop();
    }
  });

  it('answers 503 naming Key Vault when the vault is unreachable', async () => {
    const app = await startApp({ KEY_VAULT_URL: 'http://127.0.0.1:9' });
    try {
      const response = await fetch(`${app.url}/api/health`);
      expect(response.status).toBe(503);
      expect(response.headers.get('x-ms-error-code')).toBe('DependencyUnavailable');
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        status: 'unhealthy',
        checks: { storage: { status: 'healthy' }, keyVault: { status: 'unhealthy' } },
        error: { code: 'DependencyUnavailable', details: [{ target: 'keyVault' }] },
      });
      expect(JSON.stringify(body)).not.toContain('127.0.0.1');
    } finally {
      await app.stop();
    }
  });

  it('answers 503 naming storage when storage is unreachable', async () => {
    const app = await startApp({
      KEY_VAULT_URL: vault.url,
      AzureWebJobsStorage:
        'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1',
    });
    try {
      const response = await fetch(`${app.url}/api/health`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        checks: {
          storage: { status: 'unhealthy', reason: 'storage is unreachable' },
          keyVault: { status: 'healthy' },
        },
      });
    } finally {
      await app.stop();
    }
  });

  it('keeps the app from starting when a required setting is missing, naming it', async () => {
    await expect(startApp({ KEY_VAULT_URL: '' })).rejects.toThrow(
      /Setting KEY_VAULT_URL is missing/,
    );
  });
});
