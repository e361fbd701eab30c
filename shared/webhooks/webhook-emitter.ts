import type { QueueClient } from '@azure/storage-queue';
import { sendQueueMessage } from '../clients/queue-messages';
import type { RunEvents } from '../runs/run-events';
import type { Run } from '../runs/run-schemas';
import {
  eventSource,
  runStatusEventTypes,
  webhookEventMessageFormat,
  type CloudEvent,
  type WebhookEventType,
} from './webhook-event-types';
import type { WebhookStore } from './webhook-store';

/** A held run's event names this many of its segments at most: a queue message holds 64 KB. */
const maxConfirmationSegments = 20;

/** Runs whose key-rejected event this process has emitted: spares a table write per batch. */
const maxRemembered = 1000;

export interface WebhookEmitterDeps {
  /** Queue webhook-events. */
  queue: QueueClient;
  store: Pick<WebhookStore, 'claimOnce'>;
  /** The connection an export uses, for the key-rejected event. */
  connectionOf(tenantId: string, exportId: string): Promise<string | undefined>;
  log: { error(message: string, properties?: Record<string, unknown>): void };
}

/**
 * Puts events on queue webhook-events, where a queue function fans them out: no HTTP call to a
 * receiver ever happens inside a pipeline invocation. Emitting never fails and never throws:
 * a run's outcome does not depend on its notification, so a failure is logged for operators.
 */
export class WebhookEmitter implements RunEvents {
  #keyRejectedRuns = new Set<string>();

  constructor(private readonly deps: WebhookEmitterDeps) {}

  async runChanged(tenantId: string, run: Run): Promise<void> {
    const type = runStatusEventTypes[run.status];
    if (!type) return;
    await this.#emit(tenantId, {
      type,
      id: `${run.id}:${run.status}`,
      subject: `exports/${run.exportId}/runs/${run.id}`,
      data: runData(tenantId, run),
    });
  }

  /**
   * Iterable refused the connection's key during a run. Every batch of the run may meet it, on
   * any instance: a row claimed in the webhooks table makes it one event per run.
   */
  async connectionKeyRejected(
    tenantId: string,
    ids: { exportId: string; runId: string },
    iterable: { status?: number; code?: string },
  ): Promise<void> {
    const memo = `${tenantId}\n${ids.runId}`;
    if (this.#keyRejectedRuns.has(memo)) return;
    try {
      if (this.#keyRejectedRuns.size >= maxRemembered) this.#keyRejectedRuns.clear();
      this.#keyRejectedRuns.add(memo);
      if (!(await this.deps.store.claimOnce(tenantId, `key-rejected|${ids.runId}`))) return;
      const connectionId = await this.deps.connectionOf(tenantId, ids.exportId);
      const answer = [iterable.status, iterable.code].filter(Boolean).join(' ');
      await this.#emit(tenantId, {
        type: 'com.iterable-segment-export.connection.key-rejected',
        id: `${ids.runId}:connectionKeyRejected`,
        subject: `connections/${connectionId ?? 'unknown'}`,
        data: {
          tenantId,
          connectionId,
          exportId: ids.exportId,
          runId: ids.runId,
          error: {
            code: 'ConnectionKeyRejected',
            message: `Iterable refused the connection's API key${answer ? ` (${answer})` : ''}; an Admin must update the key before its exports can run.`,
          },
        },
      });
    } catch (error) {
      this.#logFailure('com.iterable-segment-export.connection.key-rejected', ids.runId, error);
    }
  }

  async #emit(
    tenantId: string,
    event: { type: WebhookEventType; id: string; subject: string; data: Record<string, unknown> },
  ): Promise<void> {
    const cloudEvent: CloudEvent = {
      specversion: '1.0',
      id: event.id,
      source: eventSource(tenantId),
      type: event.type,
      time: new Date().toISOString(),
      subject: event.subject,
      datacontenttype: 'application/json',
      data: event.data,
    };
    try {
      await sendQueueMessage(this.deps.queue, webhookEventMessageFormat, {
        tenantId,
        event: cloudEvent,
      });
    } catch (error) {
      this.#logFailure(event.type, event.id, error);
    }
  }

  #logFailure(type: string, id: string, error: unknown) {
    this.deps.log.error('A webhook event could not be emitted; no webhook is told of it', {
      eventType: type,
      eventId: id,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** What a run event tells: ids, outcome and counts; never a profile, never a key. */
function runData(tenantId: string, run: Run): Record<string, unknown> {
  return {
    tenantId,
    exportId: run.exportId,
    runId: run.id,
    status: run.status,
    trigger: run.trigger,
    ...(run.slot ? { slot: run.slot } : {}),
    mode: run.mode,
    dryRun: run.dryRun,
    counts: run.counts,
    createdAt: run.createdAt,
    ...(run.startedAt ? { startedAt: run.startedAt } : {}),
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
    ...(run.error ? { error: run.error } : {}),
    ...(run.warnings?.length ? { warnings: run.warnings.map(({ lines: _, ...w }) => w) } : {}),
    ...(run.confirmation
      ? {
          confirmation: {
            ...run.confirmation,
            segments: run.confirmation.segments.slice(0, maxConfirmationSegments),
          },
        }
      : {}),
  };
}
