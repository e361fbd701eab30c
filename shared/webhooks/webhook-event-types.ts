import { z } from 'zod';
import { versionedFormat } from '../schema-version';

/**
 * Every event a webhook can subscribe to, as its CloudEvents `type`: reverse-DNS names, so they
 * never collide with another producer's types at a receiver that takes events from many.
 */
export const webhookEventTypes = [
  'com.iterable-segment-export.run.succeeded',
  'com.iterable-segment-export.run.partially-succeeded',
  'com.iterable-segment-export.run.failed',
  'com.iterable-segment-export.run.awaiting-confirmation',
  'com.iterable-segment-export.connection.key-rejected',
] as const;

export const WebhookEventTypeSchema = z.enum(webhookEventTypes);
export type WebhookEventType = z.infer<typeof WebhookEventTypeSchema>;

/** The event of each run status that notifies; other statuses (cancelled, skipped) do not. */
export const runStatusEventTypes: Partial<Record<string, WebhookEventType>> = {
  succeeded: 'com.iterable-segment-export.run.succeeded',
  partiallySucceeded: 'com.iterable-segment-export.run.partially-succeeded',
  failed: 'com.iterable-segment-export.run.failed',
  awaitingConfirmation: 'com.iterable-segment-export.run.awaiting-confirmation',
};

/** The `source` of a tenant's events: a URI reference naming this product and the tenant. */
export function eventSource(tenantId: string): string {
  return `/iterable-segment-export/tenants/${encodeURIComponent(tenantId)}`;
}

/** A CloudEvents 1.0 event in structured JSON mode, as it is POSTed. Never holds a secret. */
export const CloudEventSchema = z.strictObject({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: WebhookEventTypeSchema,
  time: z.iso.datetime(),
  subject: z.string(),
  datacontenttype: z.literal('application/json'),
  data: z.record(z.string(), z.unknown()),
});
export type CloudEvent = z.infer<typeof CloudEventSchema>;

/** Queue webhook-events: one event of a tenant, for every webhook subscribed to its type. */
export const WebhookEventMessageSchema = z.strictObject({
  tenantId: z.string(),
  event: CloudEventSchema,
});
export type WebhookEventMessage = z.infer<typeof WebhookEventMessageSchema>;

export const webhookEventMessageFormat = versionedFormat({
  name: 'webhook-events message',
  schema: WebhookEventMessageSchema,
});

/**
 * Queue webhook-deliveries: one event for one webhook. `body` is the exact JSON posted and
 * signed, so every attempt sends the same bytes; the secret is read from Key Vault each time.
 */
export const WebhookDeliveryMessageSchema = z.strictObject({
  tenantId: z.string(),
  webhookId: z.uuid(),
  eventId: z.string(),
  eventType: WebhookEventTypeSchema,
  body: z.string(),
  /** 1 for the first attempt. */
  attempt: z.number().int().min(1),
});
export type WebhookDeliveryMessage = z.infer<typeof WebhookDeliveryMessageSchema>;

export const webhookDeliveryMessageFormat = versionedFormat({
  name: 'webhook-deliveries message',
  schema: WebhookDeliveryMessageSchema,
});
