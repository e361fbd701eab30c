import type { SecretClient } from '@azure/keyvault-secrets';
import type { KeyVaultStandIn } from '../../../local/key-vault/server';
import { startKeyVaultStandIn } from '../../../local/key-vault/server';
import { createSecretClient } from '../../../shared/clients/key-vault';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

describe('Key Vault stand-in listings', () => {
  let standIn: KeyVaultStandIn;
  let client: SecretClient;

  beforeEach(async () => {
    standIn = await startKeyVaultStandIn({ port: 0 });
    client = createSecretClient(standIn.url);
  });

  afterEach(async () => {
    await standIn.close();
  });

  it('pages secrets by maxresults and the client follows nextLink to the end', async () => {
    for (const name of ['e', 'c', 'a', 'd', 'b']) await client.setSecret(`secret-${name}`, name);

    const pages = await collect(client.listPropertiesOfSecrets().byPage({ maxPageSize: 2 }));

    expect(pages.map((page) => page.map((secret) => secret.name))).toEqual([
      ['secret-a', 'secret-b'],
      ['secret-c', 'secret-d'],
      ['secret-e'],
    ]);
    expect(pages[0]?.[0]?.id).toBe(`${standIn.url}/secrets/secret-a`);
  });

  it('lists more secrets than fit in the default page of 25 when iterating items', async () => {
    const names = Array.from(
      { length: 27 },
      (_, index) => `bulk-${String(index).padStart(2, '0')}`,
    );
    for (const name of names) await client.setSecret(name, 'v');

    const listed = await collect(client.listPropertiesOfSecrets());

    expect(listed.map((secret) => secret.name)).toEqual(names);
  });

  it('lists every version of a secret oldest first, across pages', async () => {
    const versions: string[] = [];
    for (const value of ['1', '2', '3', '4', '5']) {
      versions.push((await client.setSecret('versions', value)).properties.version ?? '');
    }

    const pages = await collect(
      client.listPropertiesOfSecretVersions('versions').byPage({ maxPageSize: 2 }),
    );

    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((properties) => properties.version)).toEqual(versions);
    expect(pages.flat().every((properties) => properties.name === 'versions')).toBe(true);
  });

  it('leaves soft-deleted secrets out of the secrets list and lists them as deleted', async () => {
    await client.setSecret('kept', 'v');
    await client.setSecret('removed', 'v');
    await (await client.beginDeleteSecret('removed', { intervalInMs: 10 })).pollUntilDone();

    const active = await collect(client.listPropertiesOfSecrets());
    const deleted = await collect(client.listDeletedSecrets());

    expect(active.map((secret) => secret.name)).toEqual(['kept']);
    expect(deleted.map((secret) => secret.name)).toEqual(['removed']);
    expect(deleted[0]?.properties.recoveryId).toBe(`${standIn.url}/deletedsecrets/removed`);
    expect(deleted[0]?.properties.deletedOn).toBeInstanceOf(Date);
  });

  it('fails listing the versions of an unknown secret with SecretNotFound', async () => {
    const error = await collect(client.listPropertiesOfSecretVersions('missing')).catch(
      (caught: unknown) => caught,
    );

    expect(error).toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
  });
});
