import { createHash } from 'node:crypto';
import type { SecretClient } from '@azure/keyvault-secrets';
import { statusCodeOf } from '../clients/azure-errors';

/** A delivery reads the secret once a minute at most; a webhook is deleted, not rotated. */
const cacheTtlMs = 60_000;

/** Key Vault names allow letters, digits and hyphens: a tenant id that is no GUID is hashed. */
export function webhookSecretName(tenantId: string, webhookId: string): string {
  const tenant = /^[0-9a-zA-Z-]{1,40}$/.test(tenantId)
    ? tenantId
    : createHash('sha256').update(tenantId).digest('hex').slice(0, 32);
  return `webhook-${tenant}-${webhookId}`.toLowerCase();
}

/** The webhooks' signing secrets, one Key Vault secret per webhook, as connection keys are kept. */
export class WebhookSecrets {
  #cache = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly client: SecretClient) {}

  /** Stores the secret and returns its version. */
  async store(name: string, secret: string, tags: Record<string, string>): Promise<string> {
    const stored = await this.client.setSecret(name, secret, {
      contentType: 'text/plain; webhook-signing-secret',
      tags,
    });
    const version = stored.properties.version;
    if (!version) throw new Error('Key Vault returned a secret without a version');
    return version;
  }

  async read(name: string, version: string): Promise<string> {
    const key = `${name}/${version}`;
    const cached = this.#cache.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    const secret = await this.client.getSecret(name, { version });
    if (secret.value === undefined) throw new Error(`Secret ${name} has no value`);
    this.#cache.set(key, { value: secret.value, expiresAt: Date.now() + cacheTtlMs });
    return secret.value;
  }

  /** Deletes the secret and purges it where the vault allows (else it stays soft-deleted). */
  async remove(name: string): Promise<void> {
    for (const key of this.#cache.keys()) if (key.startsWith(`${name}/`)) this.#cache.delete(key);
    try {
      const poller = await this.client.beginDeleteSecret(name, { intervalInMs: 500 });
      await poller.pollUntilDone();
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
      return;
    }
    await this.client.purgeDeletedSecret(name).catch(() => undefined);
  }
}
