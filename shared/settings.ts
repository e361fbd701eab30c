import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  readFairUse,
  readMassRemovalGuard,
  readRemovalEvidence,
  readSnapshotLimits,
  type FairUseLimits,
  type MassRemovalGuard,
  type RemovalEvidence,
  type SnapshotLimits,
} from './limit-settings';
import { readRetention, type RetentionSettings } from './retention-settings';
import {
  httpUrl,
  idList,
  ncrontab,
  nonEmpty,
  optionalSetting,
  origin,
  parseSetting,
  SettingsError,
  type Env,
} from './setting-parsers';

export * from './limit-settings';
export * from './retention-settings';
export { SettingsError } from './setting-parsers';

/**
 * Every setting the app reads, parsed once. A missing or malformed setting stops start-up with an
 * error that names it; nothing else in the code reads `process.env`.
 */

/** Where a storage account is: a connection string, or service URLs reached with managed identity. */
export type StorageLocation =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'identity'; blobUrl: string; queueUrl: string; tableUrl: string; clientId?: string };

export interface Settings {
  storage: StorageLocation;
  segmentsStorage: StorageLocation;
  keyVaultUrl: string;
  auth: AuthSettings;
  iterableBaseUrl?: string;
  /**
   * The refresh timer's schedule as its binding takes it: `%REFRESH_TIMER_SCHEDULE%` when that
   * setting is set (the host resolves it, as it does any binding expression), else the default
   * itself, because a binding expression naming a missing setting stops the host.
   */
  refreshTimerSchedule: string;
  /**
   * A run that would take a list more than `percent` below its largest confirmed size of the last
   * `windowDays` (and remove at least `minCount`) waits for an Admin's confirmation instead of
   * sending: a truncated snapshot must not empty lists, at once or in steps.
   */
  massRemovalGuard: MassRemovalGuard;
  /** What makes a snapshot look damaged, so that its run removes no one (see RemovalEvidence). */
  removalEvidence: RemovalEvidence;
  /** Fair use: what one tenant may hold at once, so no tenant crowds out the others. */
  fairUse: FairUseLimits;
  /** How large a snapshot a run reads, counted as it is read; past a limit the run fails. */
  snapshotLimits: SnapshotLimits;
  /** How long runs, their files and claims are kept (RETENTION_*). */
  retention: RetentionSettings;
  /**
   * Application Insights, when APPLICATIONINSIGHTS_CONNECTION_STRING is set; the client id of
   * APPLICATIONINSIGHTS_AUTHENTICATION_STRING ("ClientId=...;Authorization=AAD") signs in with
   * the app's managed identity.
   */
  telemetry?: { connectionString: string; clientId?: string };
  /**
   * WEBHOOKS_ALLOW_LOCAL_TARGETS (default false): webhooks may use http and private, loopback or
   * link-local addresses. Only for the local stack and tests, whose receivers run on loopback.
   */
  webhooksAllowLocalTargets: boolean;
  /**
   * SEGMENT_EVENTS_QUIET_SECONDS (default 120): how long a tenant's snapshots must go without a
   * blob-created event before the events start its refresh.
   */
  segmentEventsQuietSeconds: number;
  /**
   * REFRESH_SWEEP_SHARDS (default 64, 1 to 1024): the messages the refresh timer sends each tick,
   * each sweeping an equal share of the scheduled exports by a hash of their ids.
   */
  refreshSweepShards: number;
  /**
   * PLANNING_MEMBERS_IN_MEMORY (default 1,250,000, 1,000 to 5,000,000): the most members a plan
   * holds in memory at once (about 100 MB at the default). A larger segment is spilled to the work
   * container and planned in steps of its own, a group of partitions each.
   */
  planningMembersInMemory: number;
  appVersion: string;
}

/**
 * How bearer tokens are checked. `issuer` holding `{tenantid}` is Entra's multi-tenant form: each
 * token's `iss` must equal it with the token's own `tid` put in, and that tenant must be allowed.
 */
export interface AuthSettings {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** Tenants whose tokens are accepted: `'*'` for any, else their ids; undefined: any (single issuer). */
  allowedTenants: '*' | readonly string[] | undefined;
  /** Client ids of the apps that may act for a tenant with the `Platform` role. */
  platformAppIds: readonly string[];
}

/** The placeholder in AUTH_ISSUER that each token's own tenant id replaces. */
export const issuerTenantPlaceholder = '{tenantid}';

/**
 * Two minutes: a platform writes a refresh's snapshots one after another, seconds apart; a pause
 * of two minutes means it is done, and a refresh starts soon after its last snapshot.
 */
export const defaultSegmentEventsQuietSeconds = 120;

/** About 100 MB of state: what a worker plans comfortably beside sending (segment-plan.ts). */
const defaultPlanningMembersInMemory = 1_250_000;

/**
 * 64 shards: 50,000 scheduled exports are some 800 per shard, which one invocation sweeps in well
 * under a minute even when all are due, and a tick costs 64 messages and index queries when none
 * is. At most 1024, the slices of the index (exports/sweep-index.ts).
 */
export const defaultRefreshSweepShards = 64;

/** Every five minutes: how often the refresh timer looks for due exports unless told otherwise. */
export const defaultRefreshTimerSchedule = '0 */5 * * * *';

/**
 * Reads a storage connection the way the Functions host does: `PREFIX` holds a connection string,
 * or `PREFIX__accountName` / `PREFIX__blobServiceUri` (+ queue and table URIs) use managed identity.
 */
export function readStorageLocation(env: Env, prefix: string): StorageLocation | undefined {
  const connectionString = env[prefix];
  if (connectionString) return { kind: 'connectionString', connectionString };
  const clientId = env[`${prefix}__clientId`] || undefined;
  const accountName = env[`${prefix}__accountName`];
  if (accountName) {
    const account = parseSetting(
      env,
      `${prefix}__accountName`,
      z.string().regex(/^[a-z0-9]{3,24}$/),
    );
    return {
      kind: 'identity',
      blobUrl: `https://${account}.blob.core.windows.net`,
      queueUrl: `https://${account}.queue.core.windows.net`,
      tableUrl: `https://${account}.table.core.windows.net`,
      clientId,
    };
  }
  if (env[`${prefix}__blobServiceUri`] === undefined) return undefined;
  return {
    kind: 'identity',
    blobUrl: parseSetting(env, `${prefix}__blobServiceUri`, httpUrl),
    queueUrl: parseSetting(env, `${prefix}__queueServiceUri`, httpUrl),
    tableUrl: parseSetting(env, `${prefix}__tableServiceUri`, httpUrl),
    clientId,
  };
}

function readAuth(env: Env): AuthSettings {
  const issuer = parseSetting(env, 'AUTH_ISSUER', nonEmpty);
  const multiTenant = issuer.toLowerCase().includes(issuerTenantPlaceholder);
  const allowedTenants = optionalSetting(
    env,
    'AUTH_ALLOWED_TENANTS',
    z.union([z.literal('*'), idList]),
  );
  if (multiTenant && allowedTenants === undefined) {
    throw new SettingsError(
      `Setting AUTH_ALLOWED_TENANTS is missing: AUTH_ISSUER holds ${issuerTenantPlaceholder}, so the tenants to accept must be named (their ids, comma-separated, or * for any)`,
    );
  }
  return {
    issuer,
    audience: parseSetting(env, 'AUTH_AUDIENCE', nonEmpty),
    jwksUrl: parseSetting(env, 'AUTH_JWKS_URL', httpUrl),
    allowedTenants,
    platformAppIds: optionalSetting(env, 'AUTH_PLATFORM_APP_IDS', idList) ?? [],
  };
}

export function loadSettings(env: Env = process.env): Settings {
  const storage = readStorageLocation(env, 'AzureWebJobsStorage');
  if (!storage) {
    throw new SettingsError(
      'Setting AzureWebJobsStorage is missing (a connection string, or AzureWebJobsStorage__accountName)',
    );
  }
  return {
    storage,
    segmentsStorage: readStorageLocation(env, 'SEGMENTS_STORAGE') ?? storage,
    keyVaultUrl: parseSetting(env, 'KEY_VAULT_URL', httpUrl),
    auth: readAuth(env),
    iterableBaseUrl: optionalSetting(env, 'ITERABLE_BASE_URL', origin),
    refreshTimerSchedule: optionalSetting(env, 'REFRESH_TIMER_SCHEDULE', ncrontab)
      ? '%REFRESH_TIMER_SCHEDULE%'
      : defaultRefreshTimerSchedule,
    massRemovalGuard: readMassRemovalGuard(env),
    removalEvidence: readRemovalEvidence(env),
    fairUse: readFairUse(env),
    snapshotLimits: readSnapshotLimits(env),
    retention: readRetention(env),
    telemetry: readTelemetry(env),
    webhooksAllowLocalTargets:
      optionalSetting(
        env,
        'WEBHOOKS_ALLOW_LOCAL_TARGETS',
        z.enum(['true', 'false'], { error: 'must be true or false' }),
      ) === 'true',
    segmentEventsQuietSeconds:
      optionalSetting(
        env,
        'SEGMENT_EVENTS_QUIET_SECONDS',
        z.coerce.number().int().min(1).max(3600, 'must be 1 to 3600 seconds'),
      ) ?? defaultSegmentEventsQuietSeconds,
    refreshSweepShards:
      optionalSetting(
        env,
        'REFRESH_SWEEP_SHARDS',
        z.coerce.number().int().min(1).max(1024, 'must be 1 to 1024'),
      ) ?? defaultRefreshSweepShards,
    planningMembersInMemory:
      optionalSetting(
        env,
        'PLANNING_MEMBERS_IN_MEMORY',
        z.coerce
          .number()
          .int()
          .min(1000, 'must be 1000 to 5000000')
          .max(5_000_000, 'must be 1000 to 5000000'),
      ) ?? defaultPlanningMembersInMemory,
    appVersion: optionalSetting(env, 'APP_VERSION', nonEmpty) ?? packageVersion(),
  };
}

function readTelemetry(env: Env): Settings['telemetry'] {
  const connectionString = optionalSetting(
    env,
    'APPLICATIONINSIGHTS_CONNECTION_STRING',
    z
      .string()
      .trim()
      .regex(/InstrumentationKey=/i, 'must hold an InstrumentationKey'),
  );
  if (!connectionString) return undefined;
  const authentication = env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING ?? '';
  const clientId = /(?:^|;)\s*ClientId=([^;]+)/i.exec(authentication)?.[1]?.trim();
  return { connectionString, ...(clientId ? { clientId } : {}) };
}

/** The app's package.json version, found by walking up from this file (source or compiled). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

let cached: Settings | undefined;

/** The settings of this process, parsed on first use. */
export function getSettings(): Settings {
  cached ??= loadSettings();
  return cached;
}
