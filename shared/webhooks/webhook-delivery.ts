import { createHmac } from 'node:crypto';
import type { QueueClient } from '@azure/storage-queue';
import type { Dispatcher } from 'undici';
import type { Log } from '../process-log';
import type { Delivery } from './webhook-schemas';
import type { WebhookSecrets } from './webhook-secrets';
import type { WebhookStore } from './webhook-store';
import { checkTargetUrl, type TargetPolicy } from './webhook-target';
import { sendQueueMessage } from '../clients/queue-messages';
import { webhookDeliveryMessageFormat, type WebhookDeliveryMessage } from './webhook-event-types';

/**
 * How long a failed delivery waits before its next attempt, by the attempt that failed. The first
 * retry comes soon (a receiver restarting, a deploy), then the waits widen so that a receiver
 * down for hours is not hammered: 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, about 21 hours in
 * all. Past that a receiver is broken rather than busy, and the platform reads runs instead.
 * Each wait is a queue visibility delay (at most 7 days), never a sleep in the invocation.
 */
export const deliveryRetryDelaysSeconds = [10, 60, 300, 1800, 7200, 21_600, 43_200] as const;

/** The first attempt and one per delay above. */
export const maxDeliveryAttempts = deliveryRetryDelaysSeconds.length + 1;

/** A receiver answers within this or the attempt fails: an invocation must not wait on it long. */
export const deliveryTimeoutMs = 10_000;

/**
 * Headers of a delivery. The signature is `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`:
 * over the exact body bytes (which hold the event id and time) and the moment of this attempt, so
 * a receiver can refuse a delivery replayed later, which a body-only signature would not let it.
 */
export const signatureHeader = 'webhook-signature';
export const eventIdHeader = 'webhook-id';

export function signDelivery(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export interface DeliveryDeps {
  store: Pick<WebhookStore, 'get' | 'recordDelivery'>;
  secrets: Pick<WebhookSecrets, 'read'>;
  /** Queue webhook-deliveries, where a failed delivery is put back with a delay. */
  queue: QueueClient;
  /** The connection pool that refuses refused addresses at connect time (webhook-target.ts). */
  agent: Dispatcher;
  policy: TargetPolicy;
  log: Log;
}

type Outcome = { ok: true; status: number } | { ok: false; status?: number; error: string };

/**
 * Queue webhook-deliveries: POSTs one event to one webhook and records the attempt on the
 * webhook. A failure (no answer, timeout, a status outside 2xx, redirects included) puts the
 * delivery back with the next delay until the attempts run out. A deleted webhook drops it.
 */
export async function deliverWebhook(
  deps: DeliveryDeps,
  message: WebhookDeliveryMessage,
): Promise<void> {
  const { tenantId, webhookId, attempt } = message;
  const webhook = await deps.store.get(tenantId, webhookId);
  if (!webhook) {
    deps.log.info('A delivery to a deleted webhook was dropped', { webhookId });
    return;
  }
  const secret = await deps.secrets.read(webhook.secretName, webhook.secretVersion);
  const outcome = await post(deps, new URL(webhook.url), message, secret);
  const retrying = !outcome.ok && attempt < maxDeliveryAttempts;
  const delivery: Delivery = {
    eventId: message.eventId,
    type: message.eventType,
    at: new Date().toISOString(),
    attempt,
    status: outcome.ok ? 'delivered' : retrying ? 'retrying' : 'failed',
    ...(outcome.status !== undefined ? { responseStatus: outcome.status } : {}),
    ...(outcome.ok ? {} : { error: outcome.error }),
  };
  // Recorded before the retry is queued: should queueing fail, the host delivers this message
  // again, which is a repeated attempt and never a lost event.
  await deps.store.recordDelivery(tenantId, webhookId, delivery);
  const properties = { webhookId, eventId: message.eventId, attempt, status: delivery.status };
  if (outcome.ok) {
    deps.log.info('Webhook delivered', { ...properties, responseStatus: outcome.status });
    return;
  }
  if (!retrying) {
    deps.log.error('A webhook delivery failed on its last attempt; the event is not delivered', {
      ...properties,
      error: outcome.error,
    });
    return;
  }
  deps.log.warn('A webhook delivery failed; it is tried again later', {
    ...properties,
    error: outcome.error,
  });
  await sendQueueMessage(
    deps.queue,
    webhookDeliveryMessageFormat,
    { ...message, attempt: attempt + 1 },
    { delaySeconds: deliveryRetryDelaysSeconds[attempt - 1] },
  );
}

async function post(
  deps: DeliveryDeps,
  url: URL,
  message: WebhookDeliveryMessage,
  secret: string,
): Promise<Outcome> {
  try {
    // Checked again at every delivery: an IP literal never reaches the guarded lookup.
    checkTargetUrl(url, deps.policy);
    const response = await deps.agent.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: {
        'content-type': 'application/cloudevents+json; charset=utf-8',
        [signatureHeader]: signDelivery(secret, Math.floor(Date.now() / 1000), message.body),
        [eventIdHeader]: message.eventId,
        'user-agent': 'iterable-segment-export-webhooks/1',
      },
      body: message.body,
      signal: AbortSignal.timeout(deliveryTimeoutMs),
    });
    // The receiver's answer is not read: only its status counts.
    await response.body.dump().catch(() => undefined);
    const status = response.statusCode;
    if (status >= 200 && status < 300) return { ok: true, status };
    return { ok: false, status, error: `The receiver answered HTTP ${status}` };
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
}

/** A network error's code and message, short, without the URL's query (it may carry a token). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 200);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const code = errorCode(cause) ?? errorCode(error);
  const text = cause?.message ?? error.message;
  return `${code ? `${code}: ` : ''}${text}`.replace(/\?\S*/g, '?…').slice(0, 300);
}

function errorCode(error: Error | undefined): string | undefined {
  const code: unknown = error && 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : undefined;
}
