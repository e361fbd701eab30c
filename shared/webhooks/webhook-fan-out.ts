import type { QueueClient } from '@azure/storage-queue';
import { sendQueueMessage } from '../clients/queue-messages';
import { webhookDeliveryMessageFormat, type WebhookEventMessage } from './webhook-event-types';
import type { WebhookStore } from './webhook-store';

export interface FanOutDeps {
  store: Pick<WebhookStore, 'all'>;
  /** Queue webhook-deliveries. */
  queue: QueueClient;
  log: { info(message: string, properties?: Record<string, unknown>): void };
}

/**
 * Queue webhook-events: one delivery message per webhook of the tenant subscribed to the event's
 * type. Should this fail halfway, the host runs it again and some webhooks get the event twice,
 * with the same id: CloudEvents receivers deduplicate by `source` and `id`.
 */
export async function fanOutEvent(deps: FanOutDeps, message: WebhookEventMessage): Promise<void> {
  const { tenantId, event } = message;
  const webhooks = (await deps.store.all(tenantId)).filter((webhook) =>
    webhook.events.includes(event.type),
  );
  const body = JSON.stringify(event);
  await Promise.all(
    webhooks.map((webhook) =>
      sendQueueMessage(deps.queue, webhookDeliveryMessageFormat, {
        tenantId,
        webhookId: webhook.id,
        eventId: event.id,
        eventType: event.type,
        body,
        attempt: 1,
      }),
    ),
  );
  deps.log.info('Webhook event fanned out', {
    eventType: event.type,
    eventId: event.id,
    webhooks: webhooks.length,
  });
}
