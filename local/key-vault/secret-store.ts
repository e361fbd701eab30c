import { randomBytes } from 'node:crypto';
import {
  deletedButRecoverable,
  deletedSecretNotFound,
  purgeProtected,
  secretDisabled,
  secretNotFound,
} from './errors';
import type {
  SetSecretBody,
  StoredSecret,
  StoredVault,
  StoredVersion,
  UpdateSecretBody,
} from './schemas';

/** How the emulated vault is configured; fixed for the life of a stand-in. */
export interface VaultPolicy {
  purgeProtection: boolean;
  softDeleteRetentionDays: number;
}

/** Called with the whole vault after every change; resolves once it is durable. */
export type SaveVault = (vault: StoredVault) => Promise<void>;

const SECONDS_PER_DAY = 24 * 60 * 60;

function epochSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** 32 lower-case hex characters, the shape of real Key Vault version ids. */
function newVersionId(): string {
  return randomBytes(16).toString('hex');
}

/** Key Vault treats object names case-insensitively but returns them as first written. */
function keyOf(name: string): string {
  return name.toLowerCase();
}

export function latestVersion(secret: StoredSecret): StoredVersion {
  const latest = secret.versions.at(-1);
  // The schema guarantees at least one version; this only guards against a broken invariant.
  if (!latest) throw new Error(`Secret ${secret.name} has no versions`);
  return latest;
}

function applyAttributes(target: StoredVersion, body: UpdateSecretBody | SetSecretBody): void {
  if (body.contentType !== undefined) target.contentType = body.contentType ?? undefined;
  if (body.tags !== undefined) target.tags = body.tags ?? undefined;
  const attributes = body.attributes;
  if (!attributes) return;
  if (attributes.enabled !== undefined && attributes.enabled !== null) {
    target.enabled = attributes.enabled;
  }
  if (attributes.nbf !== undefined) target.notBefore = attributes.nbf ?? undefined;
  if (attributes.exp !== undefined) target.expires = attributes.exp ?? undefined;
}

/**
 * The vault's secrets and Key Vault's rules for them: versions, disabled secrets, soft delete,
 * recovery and purge. Every failure is a KeyVaultError the server can send as it is.
 */
export class SecretStore {
  private readonly secrets = new Map<string, StoredSecret>();

  constructor(
    readonly policy: VaultPolicy,
    private readonly save: SaveVault,
    initial?: StoredVault,
  ) {
    for (const secret of initial?.secrets ?? []) this.secrets.set(keyOf(secret.name), secret);
  }

  async set(
    name: string,
    body: SetSecretBody,
  ): Promise<{ secret: StoredSecret; version: StoredVersion }> {
    const existing = this.find(name);
    if (existing?.deletion) throw deletedButRecoverable(existing.name);
    const now = epochSeconds();
    const version: StoredVersion = {
      version: newVersionId(),
      value: body.value,
      enabled: true,
      created: now,
      updated: now,
    };
    applyAttributes(version, body);
    const secret = existing ?? { name, versions: [] };
    secret.versions.push(version);
    this.secrets.set(keyOf(name), secret);
    await this.persist();
    return { secret, version };
  }

  /** The version whose value may be read: the latest when `version` is empty. */
  readable(name: string, version: string): { secret: StoredSecret; version: StoredVersion } {
    const found = this.version(name, version);
    if (!found.version.enabled) throw secretDisabled();
    return found;
  }

  async update(
    name: string,
    version: string,
    body: UpdateSecretBody,
  ): Promise<{ secret: StoredSecret; version: StoredVersion }> {
    const found = this.version(name, version);
    applyAttributes(found.version, body);
    found.version.updated = epochSeconds();
    await this.persist();
    return found;
  }

  /** Active secrets ordered by name, each with its latest version. */
  list(): Array<{ secret: StoredSecret; version: StoredVersion }> {
    return this.sorted((secret) => !secret.deletion).map((secret) => ({
      secret,
      version: latestVersion(secret),
    }));
  }

  versionsOf(name: string): { secret: StoredSecret; versions: StoredVersion[] } {
    const secret = this.active(name);
    return { secret, versions: [...secret.versions] };
  }

  async delete(name: string): Promise<StoredSecret> {
    const secret = this.active(name);
    const deletedDate = epochSeconds();
    secret.deletion = {
      deletedDate,
      scheduledPurgeDate: deletedDate + this.policy.softDeleteRetentionDays * SECONDS_PER_DAY,
    };
    await this.persist();
    return secret;
  }

  deleted(name: string): StoredSecret {
    const secret = this.find(name);
    if (!secret?.deletion) throw deletedSecretNotFound(name);
    return secret;
  }

  listDeleted(): StoredSecret[] {
    return this.sorted((secret) => secret.deletion !== undefined);
  }

  async purge(name: string): Promise<void> {
    const secret = this.deleted(name);
    if (this.policy.purgeProtection) throw purgeProtected();
    this.secrets.delete(keyOf(secret.name));
    await this.persist();
  }

  async recover(name: string): Promise<{ secret: StoredSecret; version: StoredVersion }> {
    const secret = this.deleted(name);
    delete secret.deletion;
    await this.persist();
    return { secret, version: latestVersion(secret) };
  }

  private version(name: string, version: string): { secret: StoredSecret; version: StoredVersion } {
    const secret = this.active(name);
    if (!version) return { secret, version: latestVersion(secret) };
    const found = secret.versions.find((candidate) => candidate.version === version);
    if (!found) throw secretNotFound(`${name}/${version}`);
    return { secret, version: found };
  }

  private active(name: string): StoredSecret {
    const secret = this.find(name);
    if (!secret || secret.deletion) throw secretNotFound(name);
    return secret;
  }

  /** Looks a name up, first forgetting soft-deleted secrets whose retention has run out. */
  private find(name: string): StoredSecret | undefined {
    const secret = this.secrets.get(keyOf(name));
    if (secret?.deletion && secret.deletion.scheduledPurgeDate <= epochSeconds()) {
      this.secrets.delete(keyOf(name));
      return undefined;
    }
    return secret;
  }

  private sorted(include: (secret: StoredSecret) => boolean): StoredSecret[] {
    return [...this.secrets.keys()]
      .sort()
      .map((key) => this.find(key))
      .filter((secret): secret is StoredSecret => secret !== undefined && include(secret));
  }

  private persist(): Promise<void> {
    return this.save({ format: 1, secrets: [...this.secrets.values()] });
  }
}
