import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Cron } from 'croner';
import { z } from 'zod';

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
  /** The most instances the app scales to: a connection's rate cap is shared out among them. */
  maxInstanceCount: number;
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

export interface FairUseLimits {
  /** Saved exports per tenant. */
  exportsPerTenant: number;
  /** Runs of the tenant queued, planning, awaiting confirmation or running at once. */
  activeRunsPerTenant: number;
  /** Active runs through one connection (one Iterable API key) at once. */
  activeRunsPerConnection: number;
}

/** The setting each fair-use limit is read from; a request refused by a limit names it. */
export const fairUseSettingNames = {
  exportsPerTenant: 'MAX_EXPORTS_PER_TENANT',
  activeRunsPerTenant: 'MAX_ACTIVE_RUNS_PER_TENANT',
  activeRunsPerConnection: 'MAX_ACTIVE_RUNS_PER_CONNECTION',
} as const satisfies Record<keyof FairUseLimits, string>;

/**
 * A platform keeps one export per segment, and tenants with hundreds of segments exist: 1,000
 * exports leave room for them while bounding what one tenant adds to every refresh-timer pass.
 * 20 active runs per tenant are most of one instance's planners (24 per queue), so one tenant's
 * burst queues behind its own runs instead of filling the shared queue; 5 per connection because
 * runs through one Iterable key share its rate limit, and more at once only wait on each other.
 */
export const defaultFairUseLimits: FairUseLimits = {
  exportsPerTenant: 1000,
  activeRunsPerTenant: 20,
  activeRunsPerConnection: 5,
};

export interface SnapshotLimits {
  /** Records in one segment's snapshot. */
  maxRows: number;
  /** Bytes of one snapshot after decompression. */
  maxInflatedBytes: number;
  /** Inflated bytes per compressed byte of a gzip snapshot. */
  maxCompressionRatio: number;
}

/** The setting each snapshot limit is read from; a run failed by a limit names it. */
export const snapshotLimitSettingNames = {
  maxRows: 'SNAPSHOT_MAX_ROWS',
  maxInflatedBytes: 'SNAPSHOT_MAX_INFLATED_BYTES',
  maxCompressionRatio: 'SNAPSHOT_MAX_COMPRESSION_RATIO',
} as const satisfies Record<keyof SnapshotLimits, string>;

/**
 * 20M rows: six times the largest segments the product plans for (3M+ members), and what a run
 * still plans well inside the function timeout (3M took 91 s). 4 GiB inflated: 20M rows of about
 * 200 bytes (an address and a few data fields). 100:1: CSV and JSON lines of real profiles
 * compress 3:1 to 15:1, and only a crafted or degenerate file (a run of one byte) goes past
 * 100:1; gzip itself stops near 1,030:1. The ratio stops a gzip bomb within its first megabytes,
 * where the inflated-bytes limit alone would let 20 MB of it inflate for minutes first.
 */
export const defaultSnapshotLimits: SnapshotLimits = {
  maxRows: 20_000_000,
  maxInflatedBytes: 4 * 1024 ** 3,
  maxCompressionRatio: 100,
};

export interface MassRemovalGuard {
  percent: number;
  minCount: number;
  windowDays: number;
}

/**
 * 50%: a segment rarely loses half its members between runs, and a cut or broken snapshot does.
 * 0 removals: a small list is emptied as easily as a large one, so the share counts from the first
 * member. 7 days: removals in steps across a week of refreshes add up to what one run would remove.
 */
export const defaultMassRemovalGuard: MassRemovalGuard = {
  percent: 50,
  minCount: 0,
  windowDays: 7,
};

/**
 * Signs that a snapshot was not read whole or lost its e-mails, each a change against what the
 * export's last good run saw: a run that shows one sends adds and updates but removes no one.
 */
export interface RemovalEvidence {
  /** Rows without the e-mail key or column, in percent of rows, above which removals are held. */
  missingEmailKeyPercent: number;
  /**
   * How many percentage points the share of rows without a usable e-mail may rise over the last
   * good run's before removals are held.
   */
  missingEmailJumpPercent: number;
  /** Unreadable lines whose e-mail cannot be read that a run may meet and still remove. */
  unreadableLines: number;
}

/** The setting each removal-evidence threshold is read from. */
export const removalEvidenceSettingNames = {
  missingEmailKeyPercent: 'REMOVAL_EVIDENCE_MISSING_KEY_PERCENT',
  missingEmailJumpPercent: 'REMOVAL_EVIDENCE_MISSING_EMAIL_JUMP_PERCENT',
  unreadableLines: 'REMOVAL_EVIDENCE_UNREADABLE_LINES',
} as const satisfies Record<keyof RemovalEvidence, string>;

/**
 * 50%: a snapshot whose e-mail key vanished from most rows was exported with another field name.
 * 10 points: segments hold profiles without an e-mail, but their share moves slowly; a jump of a
 * tenth of the rows is a broken column, not people. 0 unreadable lines: a line whose e-mail cannot
 * be read may be any member, who must not be removed for it.
 */
export const defaultRemovalEvidence: RemovalEvidence = {
  missingEmailKeyPercent: 50,
  missingEmailJumpPercent: 10,
  unreadableLines: 0,
};

/**
 * Two minutes: a platform writes a refresh's snapshots one after another, seconds apart; a pause
 * of two minutes means it is done, and a refresh starts soon after its last snapshot.
 */
export const defaultSegmentEventsQuietSeconds = 120;

/** Every five minutes: how often the refresh timer looks for due exports unless told otherwise. */
export const defaultRefreshTimerSchedule = '0 */5 * * * *';

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

type Env = Record<string, string | undefined>;

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((url) => url.replace(/\/+$/, ''));
const origin = httpUrl.refine(
  (url) => new URL(url).pathname === '/',
  'must be an origin (no path)',
);
const nonEmpty = z.string().trim().min(1, 'must not be empty');
/** What a timer binding takes: six NCRONTAB fields, seconds first. */
const ncrontab = z
  .string()
  .trim()
  .refine((expression) => {
    if (expression.split(/\s+/).length !== 6) return false;
    try {
      new Cron(expression, { mode: '6-part', paused: true });
      return true;
    } catch {
      return false;
    }
  }, 'must be a six-field NCRONTAB expression such as "0 */5 * * * *"');

function parseSetting<T>(env: Env, name: string, schema: z.ZodType<T>): T {
  // An empty app setting is how App Service shows one that was cleared: treat it as missing.
  const raw = env[name]?.trim() ? env[name] : undefined;
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const reason = raw === undefined ? 'is missing' : (result.error.issues[0]?.message ?? '');
  throw new SettingsError(`Setting ${name} ${reason}`.trim());
}

function optionalSetting<T>(env: Env, name: string, schema: z.ZodType<T>): T | undefined {
  return env[name]?.trim() ? parseSetting(env, name, schema) : undefined;
}

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

/** A comma-separated list of ids, without blanks or repeats. */
const idList = z
  .string()
  .transform((text) => [...new Set(text.split(',').map((id) => id.trim()))].filter(Boolean))
  .refine((ids) => ids.length > 0, 'must name at least one id')
  .refine(
    (ids) => ids.every((id) => /^[\w.-]{1,128}$/.test(id)),
    'must be ids (letters, digits, "-", "_" or ".") separated by commas',
  );

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
    maxInstanceCount:
      optionalSetting(env, 'MAX_INSTANCE_COUNT', z.coerce.number().int().min(1).max(1000)) ?? 1,
    refreshTimerSchedule: optionalSetting(env, 'REFRESH_TIMER_SCHEDULE', ncrontab)
      ? '%REFRESH_TIMER_SCHEDULE%'
      : defaultRefreshTimerSchedule,
    massRemovalGuard: readMassRemovalGuard(env),
    removalEvidence: readRemovalEvidence(env),
    fairUse: readFairUse(env),
    snapshotLimits: readSnapshotLimits(env),
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
    appVersion: optionalSetting(env, 'APP_VERSION', nonEmpty) ?? packageVersion(),
  };
}

const percentage = z.coerce.number().min(0).max(100, 'must be a percentage (0-100)');

function readMassRemovalGuard(env: Env): MassRemovalGuard {
  const defaults = defaultMassRemovalGuard;
  return {
    percent: optionalSetting(env, 'MASS_REMOVAL_GUARD_PERCENT', percentage) ?? defaults.percent,
    minCount:
      optionalSetting(env, 'MASS_REMOVAL_GUARD_MIN_COUNT', z.coerce.number().int().min(0)) ??
      defaults.minCount,
    windowDays:
      optionalSetting(env, 'MASS_REMOVAL_GUARD_WINDOW_DAYS', z.coerce.number().min(0).max(90)) ??
      defaults.windowDays,
  };
}

function readRemovalEvidence(env: Env): RemovalEvidence {
  const names = removalEvidenceSettingNames;
  const defaults = defaultRemovalEvidence;
  return {
    missingEmailKeyPercent:
      optionalSetting(env, names.missingEmailKeyPercent, percentage) ??
      defaults.missingEmailKeyPercent,
    missingEmailJumpPercent:
      optionalSetting(env, names.missingEmailJumpPercent, percentage) ??
      defaults.missingEmailJumpPercent,
    unreadableLines:
      optionalSetting(env, names.unreadableLines, z.coerce.number().int().min(0)) ??
      defaults.unreadableLines,
  };
}

function readFairUse(env: Env): FairUseLimits {
  const limit = (name: keyof FairUseLimits, max: number) =>
    optionalSetting(env, fairUseSettingNames[name], z.coerce.number().int().min(1).max(max)) ??
    defaultFairUseLimits[name];
  return {
    exportsPerTenant: limit('exportsPerTenant', 100_000),
    activeRunsPerTenant: limit('activeRunsPerTenant', 1000),
    activeRunsPerConnection: limit('activeRunsPerConnection', 1000),
  };
}

function readSnapshotLimits(env: Env): SnapshotLimits {
  const limit = (name: keyof SnapshotLimits) =>
    optionalSetting(env, snapshotLimitSettingNames[name], z.coerce.number().int().min(1)) ??
    defaultSnapshotLimits[name];
  return {
    maxRows: limit('maxRows'),
    maxInflatedBytes: limit('maxInflatedBytes'),
    maxCompressionRatio: limit('maxCompressionRatio'),
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
