import type { AuditTrail } from '../audit/audit-trail';
import type { ExportRecord, ExportStore } from '../exports/export-store';
import type { Principal } from '../http/auth';
import { AppError, ValidationError } from '../errors';
import type { PlatformRefreshes } from '../schedule/platform-refreshes';
import type { SegmentSnapshot } from '../segments/segment-catalog';
import type { RefreshRunner } from './refresh-runner';
import type { RefreshRequest, RefreshResult } from './refresh-schemas';
import { mapConcurrently } from '../map-concurrently';

/** How far ahead of this service's clock a refresh may be: clocks of two systems differ a little. */
export const refreshClockSkewMs = 5 * 60 * 1000;
/**
 * The oldest refresh accepted. Snapshots are pinned as they are when the call arrives, so a
 * refresh reported much later would run on whatever the platform wrote since, under an old name.
 */
export const refreshMaxAgeMs = 24 * 60 * 60 * 1000;

const exportPageSize = 200;
/**
 * Exports handled at once: each costs a handful of table reads and one transaction, so a tenant
 * with a few hundred refresh exports is answered in seconds, without a burst on the account.
 */
const exportsAtOnce = 8;

export interface RefreshServiceDeps {
  exports: Pick<ExportStore, 'pageAfter'>;
  snapshot(tenantId: string, name: string): Promise<Pick<SegmentSnapshot, 'etag'>>;
  runner: RefreshRunner;
  platform: PlatformRefreshes;
  audit: AuditTrail;
  clock?: () => Date;
}

/**
 * `POST /api/refreshes`: the platform finished writing snapshots. Every `refresh` export of the
 * tenant (using one of `segments`, when given) runs once for the refresh, on the snapshot versions
 * read now, or is recorded skipped; a repeated call answers what the first one did.
 */
export class RefreshService {
  constructor(private readonly deps: RefreshServiceDeps) {}

  async report(principal: Principal, input: RefreshRequest): Promise<RefreshResult> {
    const now = (this.deps.clock ?? (() => new Date()))();
    const refreshedAt = checkedTime(input.refreshedAt, now);
    const { tenantId } = principal;
    // First, so a timer pass from now on leaves the tenant's refresh exports to these calls.
    await this.deps.platform.record(tenantId, refreshedAt, now);
    const records = await this.#refreshExports(tenantId, input.segments);
    const etags = this.#etagReader(tenantId);
    const value = await mapConcurrently(records, exportsAtOnce, async (record) =>
      this.deps.runner.run({
        tenantId,
        record,
        refreshedAt,
        etags: await etags(record.segments),
        now,
      }),
    );
    await this.deps.audit.record(
      principal,
      'refresh.report',
      { type: 'refresh', id: refreshedAt },
      {
        ...(input.segments ? { segments: input.segments } : {}),
        exports: value.map(({ exportId, outcome, runId, repeated }) => ({
          exportId,
          outcome,
          ...(runId ? { runId } : {}),
          ...(repeated ? { repeated } : {}),
        })),
      },
    );
    return { refreshedAt, value };
  }

  /** The tenant's `refresh` exports, in id order; with `segments`, those using one of them. */
  async #refreshExports(tenantId: string, segments?: string[]): Promise<ExportRecord[]> {
    const wanted = segments && new Set(segments);
    const found: ExportRecord[] = [];
    let after = '';
    for (;;) {
      const page = await this.deps.exports.pageAfter(tenantId, after, exportPageSize);
      for (const record of page.records) {
        if (record.schedule.mode !== 'refresh') continue;
        if (wanted && !record.segments.some((name) => wanted.has(name))) continue;
        found.push(record);
      }
      if (page.done || page.records.length === 0) return found;
      after = page.records.at(-1)?.id ?? after;
    }
  }

  /**
   * Snapshot versions now, each segment read once per call. A segment without a usable snapshot
   * gets no version: its run starts, and planning fails it with the reason (missing, ambiguous).
   */
  #etagReader(tenantId: string) {
    const cache = new Map<string, Promise<string | undefined>>();
    const read = (name: string) => {
      let etag = cache.get(name);
      if (!etag) {
        etag = this.deps.snapshot(tenantId, name).then(
          (snapshot) => snapshot.etag,
          (error: unknown) => {
            if (error instanceof AppError && error.status < 500) return undefined;
            throw error;
          },
        );
        cache.set(name, etag);
      }
      return etag;
    };
    return async (names: string[]): Promise<Map<string, string>> => {
      const pairs = await Promise.all(names.map(async (name) => [name, await read(name)] as const));
      return new Map(pairs.filter((pair): pair is [string, string] => pair[1] !== undefined));
    };
  }
}

/** The refresh's time as toISOString() writes it (its claim's key), if within the window. */
function checkedTime(refreshedAt: string, now: Date): string {
  const time = Date.parse(refreshedAt);
  if (time > now.getTime() + refreshClockSkewMs) {
    throw new ValidationError(
      `refreshedAt is in the future (more than ${refreshClockSkewMs / 60000} minutes ahead of ${now.toISOString()}).`,
      { target: 'refreshedAt' },
    );
  }
  if (time < now.getTime() - refreshMaxAgeMs) {
    throw new ValidationError(
      `refreshedAt is more than ${refreshMaxAgeMs / 3600000} hours in the past; report refreshes as they finish.`,
      { target: 'refreshedAt' },
    );
  }
  return new Date(time).toISOString();
}
