import { createHash } from 'node:crypto';
import type { SecretClient } from '@azure/keyvault-secrets';
import type { ErrorLog } from '../process-log';
import { statusCodeOf } from './azure-errors';

/** Long enough to spare Key Vault a read per batch or delivery, short enough for a rotation. */
const cacheTtlMs = 60_000;

/**
 * A Key Vault secret name for a tenant's resource: `{kind}-{tenant}-{id}`. Names allow only
 * letters, digits and hyphens (1–127). Entra tenant ids are GUIDs and fit as they are, which keeps
 * the vault readable for operators; any other tenant id is hashed so the name stays valid and
 * unique.
 */
export function vaultSecretName(kind: string, tenantId: string, id: string): string {
  const tenant = /^[0-9a-zA-Z-]{1,40}$/.test(tenantId)
    ? tenantId
    : createHash('sha256').update(tenantId).digest('hex').slice(0, 32);
  return `${kind}-${tenant}-${id}`.toLowerCase();
}

/**
 * Secrets of one kind in Key Vault, one secret per resource. Reads name the exact version the
 * resource's record points at, so a new version takes effect only once the record says so; a
 * version read is kept for a minute.
 */
export class VaultSecrets {
  #cache = new Map<string, { value: string; expiresAt: number }>();

  constructor(
    private readonly client: SecretClient,
    /** Tells operators browsing the vault what a secret is. */
    private readonly contentType: string,
  ) {}

  /** Stores a new version and returns its version id. */
  async store(name: string, value: string, tags: Record<string, string>): Promise<string> {
    const secret = await this.client.setSecret(name, value, {
      contentType: this.contentType,
      tags,
    });
    const version = secret.properties.version;
    if (!version) throw new Error('Key Vault returned a secret without a version');
    this.#cache.set(`${name}/${version}`, { value, expiresAt: Date.now() + cacheTtlMs });
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

  /**
   * Makes a version unreadable (Key Vault answers 403 for a disabled version): the version a
   * rotation replaced, or a new one whose record was not written.
   */
  async disable(name: string, version: string): Promise<void> {
    this.#cache.delete(`${name}/${version}`);
    await this.client.updateSecretProperties(name, version, { enabled: false });
  }

  /**
   * Deletes the secret; once that has succeeded it can no longer be read. Purging follows where
   * the vault allows it; with purge protection (403), or if the purge fails, the secret stays
   * soft-deleted until the vault's retention ends. Returns whether it was purged.
   */
  async remove(name: string): Promise<boolean> {
    for (const key of this.#cache.keys()) if (key.startsWith(`${name}/`)) this.#cache.delete(key);
    try {
      const poller = await this.client.beginDeleteSecret(name, { intervalInMs: 500 });
      await poller.pollUntilDone();
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
      return false;
    }
    return this.client.purgeDeletedSecret(name).then(
      () => true,
      () => false,
    );
  }
}

/**
 * Removes the secret of a resource that is gone or was never saved. Nothing reads it any more, so
 * a failure is logged for an operator rather than answered.
 */
export async function removeOrLog(
  secrets: Pick<VaultSecrets, 'remove'>,
  secretName: string,
  log: ErrorLog,
  message: string,
): Promise<void> {
  await secrets
    .remove(secretName)
    .catch((error: unknown) => log.error(message, { secretName, error: String(error) }));
}

/**
 * Saves the record that names a secret just stored. If that fails, the secret is removed (see
 * removeOrLog), so no secret is left without its record, and the save's error goes on.
 */
export async function saveNamingSecret(
  save: () => Promise<void>,
  orphan: { secrets: Pick<VaultSecrets, 'remove'>; secretName: string; log: ErrorLog },
  message: string,
): Promise<void> {
  try {
    await save();
  } catch (error) {
    await removeOrLog(orphan.secrets, orphan.secretName, orphan.log, message);
    throw error;
  }
}
