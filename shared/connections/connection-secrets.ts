import type { SecretClient } from '@azure/keyvault-secrets';
import { vaultSecretName, VaultSecrets } from '../clients/vault-secrets';

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
