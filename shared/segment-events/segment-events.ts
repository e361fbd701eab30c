import type { QueueClient } from '@azure/storage-queue';
import type { Principal } from '../http/auth';
import { ValidationError } from '../errors';
import type { RefreshService } from '../refreshes/refresh-service';
import { tenantAllowed } from '../tenant-id';
import type { AuthSettings } from '../settings';
import { snapshotWritten } from './blob-created-event';
import { sendQueueMessage } from '../clients/queue-messages';
import { segmentEventCheckFormat, type SegmentEventCheck } from './segment-event-messages';
import type { PendingSegment, SegmentEventRows } from './segment-event-rows';

export interface SegmentEventsDeps {
  rows: SegmentEventRows;
  /** Queue segment-event-checks. */
  checks: QueueClient;
  refreshes: Pick<RefreshService, 'report'>;
  container: string;
  quietSeconds: number;
  auth: Pick<AuthSettings, 'allowedTenants'>;
  log: {
    info(message: string, properties?: Record<string, unknown>): void;
    warn(message: string, properties?: Record<string, unknown>): void;
  };
  clock?: () => Date;
}

/** Who a refresh from events is recorded as: the Event Grid source, acting for the tenant. */
export const eventGridActor = 'event-grid';

function eventGridPrincipal(tenantId: string): Principal {
  return {
    tenantId,
    userId: eventGridActor,
    // What the platform's app may do: report refreshes.
    roles: ['Admin'],
    app: { appId: eventGridActor, homeTenantId: tenantId },
  };
}

/**
 * Refreshes started by blob-created events, for platforms that never call
 * `POST /api/refreshes`. A platform writes a refresh's snapshots one blob at a time, so each
 * event only notes its segment and queues a check delayed by the quiet window; the check for
 * the tenant's latest event, once no event came for the window, reports one refresh of the
 * segments written, through the same service as the call. So a burst of writes runs each export
 * once, two bursts far apart run it twice, and no invocation ever sleeps.
 */
export class SegmentEvents {
  constructor(private readonly deps: SegmentEventsDeps) {}

  /** One delivered event. Events that are not snapshot writes are logged and left. */
  async received(event: unknown): Promise<void> {
    const now = this.#now();
    const written = snapshotWritten(event, this.deps.container, now);
    if ('ignored' in written) {
      this.deps.log.info('Ignored a storage event', { reason: written.ignored });
      return;
    }
    if (!tenantAllowed(this.deps.auth, written.tenantId)) {
      this.deps.log.info('Ignored a storage event', { reason: 'tenant not allowed' });
      return;
    }
    await this.deps.rows.record(written, now);
    await this.#checkLater({ tenantId: written.tenantId, receivedAt: now.toISOString() });
  }

  /** A delayed check: starts the tenant's refresh if its snapshots have been quiet long enough. */
  async check(check: SegmentEventCheck): Promise<void> {
    const { tenantId } = check;
    const rows = await this.deps.rows.pending(tenantId);
    // None: an earlier check used them all.
    if (rows.length === 0) return;
    const lastReceived = Math.max(...rows.map((row) => Date.parse(row.receivedAt)));
    // A later event came, with a check of its own.
    if (lastReceived > Date.parse(check.receivedAt)) return;
    const quietFrom = new Date(lastReceived).toISOString();
    const due = lastReceived + this.deps.quietSeconds * 1000;
    // Shown a little early (the queue's clock is not this instance's): look again when due.
    if (this.#now().getTime() < due) {
      await this.#checkLater({ tenantId, receivedAt: quietFrom }, due - this.#now().getTime());
      return;
    }
    if (await this.#refresh(tenantId, rows)) await this.deps.rows.remove(tenantId, rows);
    else await this.#checkLater({ tenantId, receivedAt: quietFrom });
  }

  /** Reports the refresh; false when some export must be tried again (a fair-use limit). */
  async #refresh(tenantId: string, rows: PendingSegment[]): Promise<boolean> {
    const refreshedAt = new Date(
      Math.max(...rows.map((row) => Date.parse(row.lastEventTime))),
    ).toISOString();
    const segments = rows.map((row) => row.segment).sort();
    try {
      const result = await this.deps.refreshes.report(eventGridPrincipal(tenantId), {
        refreshedAt,
        segments,
      });
      const outcomes = result.value.map((entry) => entry.outcome);
      this.deps.log.info('Refresh from segment events', {
        refreshedAt,
        segments: segments.length,
        started: outcomes.filter((outcome) => outcome === 'started').length,
        skipped: outcomes.filter((outcome) => outcome === 'skipped').length,
        deferred: outcomes.filter((outcome) => outcome === 'deferred').length,
      });
      return !outcomes.includes('deferred');
    } catch (error) {
      // Too old to report (Event Grid retried for most of a day): no refresh can use it now.
      if (!(error instanceof ValidationError)) throw error;
      this.deps.log.warn('Dropped segment events the refresh service refused', {
        refreshedAt,
        segments: segments.length,
        reason: error.message,
      });
      return true;
    }
  }

  async #checkLater(check: SegmentEventCheck, delayMs = this.deps.quietSeconds * 1000) {
    await sendQueueMessage(this.deps.checks, segmentEventCheckFormat, check, {
      delaySeconds: Math.max(1, Math.ceil(delayMs / 1000)),
    });
  }

  #now(): Date {
    return (this.deps.clock ?? (() => new Date()))();
  }
}
