import type { SecretClient } from '@azure/keyvault-secrets';
import { vaultSecretName, VaultSecrets } from '../clients/vault-secrets';
import { DependencyError } from '../errors';
import type { ErrorLog } from '../process-log';
import type { ConnectionRecord, ConnectionStore } from './connection-store';

/** The Key Vault secret holding a connection's Iterable API key. */
export function connectionSecretName(tenantId: string, connectionId: string): string {
  return vaultSecretName('iterable', tenantId, connectionId);
}

/**
 * The Iterable API keys, one secret per connection; the connection row names the exact version,
 * and a rotation stores a new one (see ConnectionService).
 */
export class ConnectionSecrets extends VaultSecrets {
  constructor(client: SecretClient) {
    super(client, 'text/plain; iterable-api-key');
  }
}

/** Stores a key, or answers that Key Vault could not: nothing was saved, and the caller may retry. */
export async function storingKey<T>(store: () => Promise<T>): Promise<T> {
  try {
    return await store();
  } catch (error) {
    throw new DependencyError(
      'keyVault',
      'Key Vault could not store the API key; nothing was saved.',
      error,
    );
  }
}

/**
 * Disables the version a rotation replaced. The rotation itself has succeeded by now, so a
 * failure here is logged for an operator rather than answered: the old version stays readable
 * until someone disables it, and nothing in the app reads it any more.
 */
export async function retireVersion(
  secrets: Pick<VaultSecrets, 'disable'>,
  log: ErrorLog,
  previous: { secretName: string; secretVersion: string },
): Promise<void> {
  await secrets.disable(previous.secretName, previous.secretVersion).catch((error: unknown) =>
    log.error('Could not disable the secret version a rotation replaced', {
      secretName: previous.secretName,
      secretVersion: previous.secretVersion,
      error: String(error),
    }),
  );
}

/**
 * Deletes the connection's row, then its key. If Key Vault fails, the row is put back rather
 * than leave a row-less secret or a key-less row, and the caller may try again.
 */
export async function deleteRowAndKey(
  deps: {
    store: Pick<ConnectionStore, 'delete' | 'create'>;
    secrets: Pick<VaultSecrets, 'remove'>;
  },
  record: ConnectionRecord,
): Promise<void> {
  await deps.store.delete(record);
  try {
    await deps.secrets.remove(record.secretName);
  } catch (error) {
    await deps.store.create(record);
    throw new DependencyError(
      'keyVault',
      'Key Vault could not delete the API key; the connection was kept.',
      error,
    );
  }
}
