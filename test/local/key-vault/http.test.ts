import type { KeyVaultStandIn } from '../../../local/key-vault/server';
import { STAND_IN_TENANT_ID, startKeyVaultStandIn } from '../../../local/key-vault/server';

const API_VERSION = 'api-version=2026-04-01';
const AUTHORIZED = { authorization: 'Bearer any-token', 'content-type': 'application/json' };

interface KeyVaultErrorBody {
  error: { code: string; message: string; innererror?: { code: string } };
}

describe('Key Vault stand-in HTTP surface', () => {
  let standIn: KeyVaultStandIn;

  function call(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${standIn.url}${path}`, { ...init, headers: { ...AUTHORIZED, ...init.headers } });
  }

  async function putSecret(name: string, value: string): Promise<Response> {
    return call(`/secrets/${name}?${API_VERSION}`, {
      method: 'PUT',
      body: JSON.stringify({ value }),
    });
  }

  beforeEach(async () => {
    standIn = await startKeyVaultStandIn({ port: 0 });
  });

  afterEach(async () => {
    await standIn.close();
  });

  it('challenges a request without a bearer token with 401 and WWW-Authenticate', async () => {
    const response = await fetch(`${standIn.url}/secrets/any?${API_VERSION}`);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer authorization="https://login.microsoftonline.com/${STAND_IN_TENANT_ID}", ` +
        'resource="https://vault.azure.net"',
    );
    const body = (await response.json()) as KeyVaultErrorBody;
    expect(body.error.code).toBe('Unauthorized');
  });

  it('challenges a request whose Authorization is not a bearer token', async () => {
    const response = await fetch(`${standIn.url}/secrets?${API_VERSION}`, {
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });

    expect(response.status).toBe(401);
  });

  it('rejects an invalid secret name with 400 BadParameter in Key Vault error shape', async () => {
    const response = await putSecret('not_valid', 'v');

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: {
        code: 'BadParameter',
        message: 'The request URI contains an invalid name: not_valid',
      },
    });
  });

  it('rejects a name longer than 127 characters', async () => {
    const response = await putSecret('a'.repeat(128), 'v');

    expect(response.status).toBe(400);
  });

  it('requires an api-version query parameter but accepts any value', async () => {
    const missing = await call('/secrets');
    const unusual = await call('/secrets?api-version=7.0');

    expect(missing.status).toBe(400);
    expect(((await missing.json()) as KeyVaultErrorBody).error.code).toBe('BadParameter');
    expect(unusual.status).toBe(200);
  });

  it('rejects a body that is not JSON with 400', async () => {
    const response = await call(`/secrets/plain?${API_VERSION}`, {
      method: 'PUT',
      body: 'value=abc',
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as KeyVaultErrorBody).error.code).toBe('BadParameter');
  });

  it('rejects a set without a value with 400 naming the field', async () => {
    const response = await call(`/secrets/no-value?${API_VERSION}`, {
      method: 'PUT',
      body: JSON.stringify({ contentType: 'text/plain' }),
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as KeyVaultErrorBody).error.message).toContain('value');
  });

  it('answers 404 for an unknown route and 405 for a known route with the wrong method', async () => {
    const unknown = await call(`/keys/some-key?${API_VERSION}`);
    const wrongMethod = await call(`/deletedsecrets?${API_VERSION}`, { method: 'POST' });

    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as KeyVaultErrorBody).error.code).toBe('NotFound');
    expect(wrongMethod.status).toBe(405);
  });

  it('answers the disabled-secret 403 with the SecretDisabled inner code', async () => {
    const set = (await (await putSecret('off', 'v')).json()) as { id: string };
    const version = set.id.split('/').at(-1) ?? '';
    await call(`/secrets/off/${version}?${API_VERSION}`, {
      method: 'PATCH',
      body: JSON.stringify({ attributes: { enabled: false } }),
    });

    const response = await call(`/secrets/off/?${API_VERSION}`);

    expect(response.status).toBe(403);
    expect(((await response.json()) as KeyVaultErrorBody).error.innererror).toEqual({
      code: 'SecretDisabled',
    });
  });

  it('builds ids from the Host the caller used and uses epoch seconds for timestamps', async () => {
    const port = new URL(standIn.url).port;
    const response = await fetch(`http://localhost:${port}/secrets/hosted?${API_VERSION}`, {
      method: 'PUT',
      headers: AUTHORIZED,
      body: JSON.stringify({ value: 'v' }),
    });
    const body = (await response.json()) as { id: string; attributes: { created: number } };

    expect(body.id).toMatch(new RegExp(`^http://localhost:${port}/secrets/hosted/[0-9a-f]{32}$`));
    expect(Number.isInteger(body.attributes.created)).toBe(true);
    expect(Math.abs(body.attributes.created - Date.now() / 1000)).toBeLessThan(60);
  });

  it('pages with a nextLink that carries api-version, $skiptoken and maxresults', async () => {
    for (const name of ['p-a', 'p-b', 'p-c']) await putSecret(name, 'v');

    const first = (await (await call(`/secrets?${API_VERSION}&maxresults=2`)).json()) as {
      value: Array<{ id: string }>;
      nextLink: string | null;
    };
    const nextLink = new URL(first.nextLink ?? '');
    const second = (await (await call(nextLink.pathname + nextLink.search)).json()) as {
      value: Array<{ id: string }>;
      nextLink: string | null;
    };

    expect(first.value.map((item) => item.id.split('/').at(-1))).toEqual(['p-a', 'p-b']);
    expect(nextLink.searchParams.get('api-version')).toBe('2026-04-01');
    expect(nextLink.searchParams.get('maxresults')).toBe('2');
    expect(nextLink.searchParams.get('$skiptoken')).toBeTruthy();
    expect(second.value.map((item) => item.id.split('/').at(-1))).toEqual(['p-c']);
    expect(second.nextLink).toBeNull();
  });

  it('rejects maxresults above 25 and a skip token it did not issue', async () => {
    const tooMany = await call(`/secrets?${API_VERSION}&maxresults=26`);
    const forged = await call(`/secrets?${API_VERSION}&$skiptoken=***`);

    expect(tooMany.status).toBe(400);
    expect(forged.status).toBe(400);
  });

  it('answers a purge with 204 and no body', async () => {
    await putSecret('gone', 'v');
    await call(`/secrets/gone?${API_VERSION}`, { method: 'DELETE' });

    const response = await call(`/deletedsecrets/gone?${API_VERSION}`, { method: 'DELETE' });

    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });
});
