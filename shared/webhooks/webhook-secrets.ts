import type { SecretClient } from '@azure/keyvault-secrets';
import { vaultSecretName, VaultSecrets } from '../clients/vault-secrets';

/** The Key Vault secret holding a webhook's signing secret. */
export function webhookSecretName(tenantId: string, webhookId: string): string {
  return vaultSecretName('webhook', tenantId, webhookId);
}

/** The webhooks' signing secrets, one Key Vault secret per webhook, kept as connection keys are. */
export class WebhookSecrets extends VaultSecrets {
  constructor(client: SecretClient) {
    super(client, 'text/plain; webhook-signing-secret');
  }
}
