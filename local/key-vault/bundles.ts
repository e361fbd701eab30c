import type { VaultPolicy } from './secret-store';
import type { StoredSecret, StoredVersion } from './schemas';

/**
 * Response bodies in Key Vault's wire shapes (SecretBundle, SecretItem, DeletedSecretBundle,
 * DeletedSecretItem). Timestamps are Unix epoch seconds; ids are built from the URL the caller
 * used, because the SDK parses the vault URL, name and version back out of them.
 */

interface WireAttributes {
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
  recoveryLevel: string;
  recoverableDays: number;
}

export interface SecretItem {
  id: string;
  attributes: WireAttributes;
  contentType?: string;
  tags?: Record<string, string>;
}

export interface SecretBundle extends SecretItem {
  value?: string;
}

/** Where the vault was reached and how it is configured: everything a body needs besides data. */
export interface BundleContext {
  vaultUrl: string;
  policy: VaultPolicy;
}

const FULL_RETENTION_DAYS = 90;

/** The level the real service reports for a vault with soft delete (always on) and these settings. */
function recoveryLevel({ purgeProtection, softDeleteRetentionDays }: VaultPolicy): string {
  const customized = softDeleteRetentionDays < FULL_RETENTION_DAYS ? 'Customized' : '';
  return `${customized}Recoverable${purgeProtection ? '' : '+Purgeable'}`;
}

function attributes(version: StoredVersion, policy: VaultPolicy): WireAttributes {
  return {
    enabled: version.enabled,
    ...(version.notBefore !== undefined && { nbf: version.notBefore }),
    ...(version.expires !== undefined && { exp: version.expires }),
    created: version.created,
    updated: version.updated,
    recoveryLevel: recoveryLevel(policy),
    recoverableDays: policy.softDeleteRetentionDays,
  };
}

function secretId(context: BundleContext, secret: StoredSecret, version?: StoredVersion): string {
  const base = `${context.vaultUrl}/secrets/${secret.name}`;
  return version ? `${base}/${version.version}` : base;
}

function item(context: BundleContext, id: string, version: StoredVersion): SecretItem {
  return {
    id,
    attributes: attributes(version, context.policy),
    ...(version.contentType !== undefined && { contentType: version.contentType }),
    ...(version.tags !== undefined && { tags: version.tags }),
  };
}

/** A version with its value (GET, PUT) or without it (PATCH, recover: the service omits it there). */
export function secretBundle(
  context: BundleContext,
  secret: StoredSecret,
  version: StoredVersion,
  withValue: boolean,
): SecretBundle {
  const bundle = item(context, secretId(context, secret, version), version);
  return withValue ? { value: version.value, ...bundle } : bundle;
}

/** List entries: `/secrets` lists ids without a version, `/secrets/{name}/versions` with one. */
export function secretItem(
  context: BundleContext,
  secret: StoredSecret,
  version: StoredVersion,
  withVersionInId: boolean,
): SecretItem {
  return item(context, secretId(context, secret, withVersionInId ? version : undefined), version);
}

function deletionFields(context: BundleContext, secret: StoredSecret) {
  return {
    recoveryId: `${context.vaultUrl}/deletedsecrets/${secret.name}`,
    deletedDate: secret.deletion?.deletedDate,
    scheduledPurgeDate: secret.deletion?.scheduledPurgeDate,
  };
}

/** A soft-deleted secret as DELETE and GET /deletedsecrets/{name} return it: never its value. */
export function deletedSecretBundle(
  context: BundleContext,
  secret: StoredSecret,
  latest: StoredVersion,
) {
  return {
    ...deletionFields(context, secret),
    ...item(context, secretId(context, secret, latest), latest),
  };
}

export function deletedSecretItem(
  context: BundleContext,
  secret: StoredSecret,
  latest: StoredVersion,
) {
  return {
    ...deletionFields(context, secret),
    ...item(context, secretId(context, secret), latest),
  };
}
