import type { SecretClient } from '@azure/keyvault-secrets';
import { RestError } from '@azure/keyvault-secrets';
import type { KeyVaultStandIn } from '../../../local/key-vault/server';
import { startKeyVaultStandIn } from '../../../local/key-vault/server';
import { createSecretClient } from '../../../shared/clients/key-vault';

describe('Key Vault stand-in with the real SecretClient', () => {
  let standIn: KeyVaultStandIn;
  let client: SecretClient;

  beforeEach(async () => {
    standIn = await startKeyVaultStandIn({ port: 0 });
    client = createSecretClient(standIn.url);
  });

  afterEach(async () => {
    await standIn.close();
  });

  it('returns the value, content type and tags a secret was set with', async () => {
    const set = await client.setSecret('iterable-api-key', 'k-123', {
      contentType: 'text/plain',
      tags: { connection: 'c1' },
    });

    const read = await client.getSecret('iterable-api-key');

    expect(read.value).toBe('k-123');
    expect(read.properties).toMatchObject({
      name: 'iterable-api-key',
      version: set.properties.version,
      vaultUrl: standIn.url,
      contentType: 'text/plain',
      tags: { connection: 'c1' },
      enabled: true,
      recoveryLevel: 'Recoverable+Purgeable',
      recoverableDays: 90,
    });
    expect(read.properties.id).toBe(
      `${standIn.url}/secrets/iterable-api-key/${set.properties.version}`,
    );
    expect(read.properties.createdOn).toBeInstanceOf(Date);
    expect(Math.abs(Date.now() - (read.properties.createdOn?.getTime() ?? 0))).toBeLessThan(60_000);
  });

  it('creates a new 32-hex version on every set and serves each version by id', async () => {
    const first = await client.setSecret('rotating', 'one');
    const second = await client.setSecret('rotating', 'two');

    expect(first.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect(second.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect(second.properties.version).not.toBe(first.properties.version);
    expect((await client.getSecret('rotating')).value).toBe('two');
    const old = await client.getSecret('rotating', { version: first.properties.version });
    expect(old.value).toBe('one');
  });

  it('treats names case-insensitively, keeping the name as first written', async () => {
    await client.setSecret('Mixed-Case', 'v1');
    await client.setSecret('mixed-case', 'v2');

    const read = await client.getSecret('MIXED-CASE');

    expect(read.value).toBe('v2');
    expect(read.name).toBe('Mixed-Case');
  });

  it('changes properties but not the value when a version is updated', async () => {
    const set = await client.setSecret('updatable', 'v', { tags: { a: '1' } });
    const version = set.properties.version ?? '';
    const expiresOn = new Date('2030-01-01T00:00:00Z');

    const updated = await client.updateSecretProperties('updatable', version, {
      contentType: 'application/json',
      tags: { b: '2' },
      expiresOn,
    });

    expect(updated).toMatchObject({ version, contentType: 'application/json', tags: { b: '2' } });
    expect(updated.expiresOn).toEqual(expiresOn);
    const read = await client.getSecret('updatable');
    expect(read.value).toBe('v');
    expect(read.properties.tags).toEqual({ b: '2' });
    expect(read.properties.expiresOn).toEqual(expiresOn);
  });

  it('refuses to return a disabled secret with 403 Forbidden, as Key Vault does', async () => {
    const set = await client.setSecret('disabled', 'v');
    await client.updateSecretProperties('disabled', set.properties.version ?? '', {
      enabled: false,
    });

    const error = await client.getSecret('disabled').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ statusCode: 403, code: 'Forbidden' });
    expect((error as RestError).message).toBe('Operation get is not allowed on a disabled secret.');
  });

  it('throws RestError SecretNotFound with status 404 when the secret does not exist', async () => {
    const error = await client.getSecret('never-set').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
    expect((error as RestError).message).toContain(
      'A secret with (name/id) never-set was not found in this key vault.',
    );
  });

  it('throws SecretNotFound when the version does not exist', async () => {
    await client.setSecret('versioned', 'v');

    const error = await client
      .getSecret('versioned', { version: '0123456789abcdef0123456789abcdef' })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
  });

  it('rejects a value over 25 KB with 400 BadParameter', async () => {
    const error = await client
      .setSecret('too-big', 'x'.repeat(25 * 1024 + 1))
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ statusCode: 400, code: 'BadParameter' });
    await expect(client.setSecret('just-fits', 'x'.repeat(25 * 1024))).resolves.toBeDefined();
  });
});
