import type { SecretClient } from '@azure/keyvault-secrets';
import { RestError } from '@azure/keyvault-secrets';
import type { KeyVaultStandIn, KeyVaultStandInOptions } from '../../../local/key-vault/server';
import { startKeyVaultStandIn } from '../../../local/key-vault/server';
import { createSecretClient } from '../../../shared/clients/key-vault';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('Key Vault stand-in soft delete', () => {
  let standIn: KeyVaultStandIn | undefined;

  async function start(options: KeyVaultStandInOptions = {}): Promise<SecretClient> {
    standIn = await startKeyVaultStandIn({ port: 0, ...options });
    return createSecretClient(standIn.url);
  }

  async function deleteAndWait(client: SecretClient, name: string) {
    const poller = await client.beginDeleteSecret(name, { intervalInMs: 10 });
    return poller.pollUntilDone();
  }

  afterEach(async () => {
    await standIn?.close();
    standIn = undefined;
  });

  it('soft-deletes a secret so that beginDeleteSecret completes with its recovery data', async () => {
    const client = await start();
    await client.setSecret('to-delete', 'v');

    const deleted = await deleteAndWait(client, 'to-delete');

    expect(deleted.name).toBe('to-delete');
    expect(deleted.value).toBeUndefined();
    expect(deleted.properties.recoveryId).toBe(`${standIn?.url}/deletedsecrets/to-delete`);
    const deletedOn = deleted.properties.deletedOn?.getTime() ?? 0;
    expect(Math.abs(Date.now() - deletedOn)).toBeLessThan(60_000);
    expect(deleted.properties.scheduledPurgeDate?.getTime()).toBe(deletedOn + 90 * DAY_MS);
    const error = await client.getSecret('to-delete').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
  });

  it('returns the deleted secret from getDeletedSecret until it is purged', async () => {
    const client = await start({ softDeleteRetentionDays: 7 });
    await client.setSecret('purge-me', 'v');
    await deleteAndWait(client, 'purge-me');

    const deleted = await client.getDeletedSecret('purge-me');
    await client.purgeDeletedSecret('purge-me');

    expect(deleted.properties).toMatchObject({
      name: 'purge-me',
      recoverableDays: 7,
      recoveryLevel: 'CustomizedRecoverable+Purgeable',
    });
    const error = await client.getDeletedSecret('purge-me').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
    await expect(client.setSecret('purge-me', 'reused')).resolves.toMatchObject({
      value: 'reused',
    });
  });

  it('brings back every version when a deleted secret is recovered', async () => {
    const client = await start();
    const first = await client.setSecret('recover-me', 'one');
    await client.setSecret('recover-me', 'two');
    await deleteAndWait(client, 'recover-me');

    const poller = await client.beginRecoverDeletedSecret('recover-me', { intervalInMs: 10 });
    const recovered = await poller.pollUntilDone();

    expect(recovered.name).toBe('recover-me');
    expect((await client.getSecret('recover-me')).value).toBe('two');
    const old = await client.getSecret('recover-me', { version: first.properties.version });
    expect(old.value).toBe('one');
    const error = await client.getDeletedSecret('recover-me').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 404 });
  });

  it('answers 409 Conflict to a set on a name that is soft-deleted', async () => {
    const client = await start();
    await client.setSecret('reserved', 'v');
    await deleteAndWait(client, 'reserved');

    const error = await client.setSecret('reserved', 'again').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RestError);
    expect(error).toMatchObject({ statusCode: 409, code: 'Conflict' });
    expect((error as RestError).message).toContain(
      'is currently in a deleted but recoverable state',
    );
  });

  it('refuses to purge with 403 when purge protection is on', async () => {
    const client = await start({ purgeProtection: true });
    await client.setSecret('protected', 'v');
    const deleted = await deleteAndWait(client, 'protected');

    const error = await client.purgeDeletedSecret('protected').catch((caught: unknown) => caught);

    expect(deleted.properties.recoveryLevel).toBe('Recoverable');
    expect(error).toMatchObject({ statusCode: 403, code: 'Forbidden' });
    await expect(client.getDeletedSecret('protected')).resolves.toMatchObject({
      name: 'protected',
    });
  });

  it('fails beginDeleteSecret with SecretNotFound when the secret does not exist', async () => {
    const client = await start();

    const error = await client.beginDeleteSecret('absent').catch((caught: unknown) => caught);

    expect(error).toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
  });

  it('fails purge and recover with 404 when nothing of that name is deleted', async () => {
    const client = await start();
    await client.setSecret('alive', 'v');

    const purgeError = await client.purgeDeletedSecret('alive').catch((caught: unknown) => caught);
    const recoverError = await client
      .beginRecoverDeletedSecret('absent')
      .catch((caught: unknown) => caught);

    expect(purgeError).toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
    expect(recoverError).toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
  });

  it('refuses a retention period outside Azure range of 7 to 90 days', async () => {
    await expect(startKeyVaultStandIn({ softDeleteRetentionDays: 3 })).rejects.toThrow(RangeError);
  });
});
