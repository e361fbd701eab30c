import { getAppServices } from './app-services';
import { withLogContext } from '../log-context';
import { readMessage } from './message-reader';
import { processLog } from '../process-log';
import { queueNames, poisonQueueName } from '../storage-layout';
import type { VersionedFormat } from '../schema-version';
import { deliverWebhook } from '../webhooks/webhook-delivery';
import {
  webhookDeliveryMessageFormat,
  webhookEventMessageFormat,
} from '../webhooks/webhook-event-types';
import { fanOutEvent } from '../webhooks/webhook-fan-out';

/** The webhook queue triggers' service calls. */
interface Invocation {
  invocationId: string;
  functionName: string;
}

function parsed<T>(format: VersionedFormat<T>, message: unknown, queue: string): T | undefined {
  return readMessage(format, message, queue, processLog);
}

const contextOf = (invocation: Invocation, tenantId: string) => ({
  invocationId: invocation.invocationId,
  operation: invocation.functionName,
  tenantId,
});

export async function onWebhookEvent(message: unknown, invocation: Invocation): Promise<void> {
  const event = parsed(webhookEventMessageFormat, message, queueNames.webhookEvents);
  if (!event) return;
  await withLogContext(contextOf(invocation, event.tenantId), () =>
    fanOutEvent(getAppServices().webhooks.fanOut, event),
  );
}

export async function onWebhookDelivery(message: unknown, invocation: Invocation): Promise<void> {
  const delivery = parsed(webhookDeliveryMessageFormat, message, queueNames.webhookDeliveries);
  if (!delivery) return;
  await withLogContext(contextOf(invocation, delivery.tenantId), () =>
    deliverWebhook(getAppServices().webhooks.delivery, delivery),
  );
}

/**
 * An event the fan-out failed on five times (storage failing): no webhook will hear of it, so it
 * is logged as an error with what it was, for operators to see and replay.
 */
export async function onPoisonWebhookEvent(
  message: unknown,
  invocation: Invocation,
): Promise<void> {
  const queue = poisonQueueName(queueNames.webhookEvents);
  const event = parsed(webhookEventMessageFormat, message, queue);
  if (!event) return;
  await withLogContext(contextOf(invocation, event.tenantId), () => {
    processLog.error('A webhook event was not fanned out after repeated failures; it is lost', {
      queue,
      eventId: event.event.id,
      eventType: event.event.type,
      subject: event.event.subject,
    });
    return Promise.resolve();
  });
}

/** A delivery that failed five times in a row before reaching the receiver (Key Vault, storage). */
export async function onPoisonWebhookDelivery(
  message: unknown,
  invocation: Invocation,
): Promise<void> {
  const queue = poisonQueueName(queueNames.webhookDeliveries);
  const delivery = parsed(webhookDeliveryMessageFormat, message, queue);
  if (!delivery) return;
  await withLogContext(contextOf(invocation, delivery.tenantId), () => {
    processLog.error(
      'A webhook delivery failed repeatedly before reaching its receiver; it is lost',
      {
        queue,
        webhookId: delivery.webhookId,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        attempt: delivery.attempt,
      },
    );
    return Promise.resolve();
  });
}
