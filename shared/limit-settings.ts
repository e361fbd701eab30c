import { z } from 'zod';
import { optionalSetting, type Env } from './setting-parsers';

/**
 * The limits an operator may tune: fair use between tenants, how large a snapshot a run reads,
 * and when removals wait for a person or are held for a damaged snapshot. Each has a default and
 * the setting it is read from, which a refusal by that limit names.
 */

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

const percentage = z.coerce.number().min(0).max(100, 'must be a percentage (0-100)');

export function readMassRemovalGuard(env: Env): MassRemovalGuard {
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

export function readRemovalEvidence(env: Env): RemovalEvidence {
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

export function readFairUse(env: Env): FairUseLimits {
  const limit = (name: keyof FairUseLimits, max: number) =>
    optionalSetting(env, fairUseSettingNames[name], z.coerce.number().int().min(1).max(max)) ??
    defaultFairUseLimits[name];
  return {
    exportsPerTenant: limit('exportsPerTenant', 100_000),
    activeRunsPerTenant: limit('activeRunsPerTenant', 1000),
    activeRunsPerConnection: limit('activeRunsPerConnection', 1000),
  };
}

export function readSnapshotLimits(env: Env): SnapshotLimits {
  const limit = (name: keyof SnapshotLimits) =>
    optionalSetting(env, snapshotLimitSettingNames[name], z.coerce.number().int().min(1)) ??
    defaultSnapshotLimits[name];
  return {
    maxRows: limit('maxRows'),
    maxInflatedBytes: limit('maxInflatedBytes'),
    maxCompressionRatio: limit('maxCompressionRatio'),
  };
}
