import { z } from 'zod';
import { WebhookEventTypeSchema, webhookEventTypes } from './webhook-event-types';

/** The most webhooks a tenant keeps: every event is one POST per webhook, fanned out at once. */
export const maxWebhooksPerTenant = 20;

const SecretSchema = z
  .string()
  .min(16, 'must be at least 16 characters')
  .max(256, 'must be at most 256 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

export const WebhookCreateSchema = z
  .strictObject({
    url: z
      .url({ error: 'must be an absolute URL' })
      .max(2048, 'must be at most 2048 characters')
      .describe('https URL of a public host; every delivery is a POST here'),
    secret: SecretSchema.describe(
      'Write-only HMAC-SHA256 key that signs each delivery (webhook-signature); kept in Key Vault',
    ),
    events: z
      .array(WebhookEventTypeSchema)
      .min(1, 'must name at least one event (omit it for all)')
      .max(webhookEventTypes.length)
      .optional()
      .describe('CloudEvents types to deliver; omitted means all'),
  })
  .meta({ id: 'WebhookCreate' });
export type WebhookCreate = z.infer<typeof WebhookCreateSchema>;

export const DeliverySchema = z
  .object({
    eventId: z.string(),
    type: WebhookEventTypeSchema,
    at: z.iso.datetime(),
    attempt: z.number().int().min(1),
    status: z.enum(['delivered', 'retrying', 'failed']),
    responseStatus: z.number().int().optional().describe("The receiver's HTTP status, if any"),
    error: z.string().optional().describe('Why the attempt failed'),
  })
  .meta({ id: 'WebhookDelivery' });
export type Delivery = z.infer<typeof DeliverySchema>;

export const WebhookSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(WebhookEventTypeSchema),
    secretHint: z.string().describe('The last four characters of the secret'),
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    updatedAt: z.iso.datetime(),
    lastDelivery: DeliverySchema.optional().describe('The latest delivery attempt'),
  })
  .meta({ id: 'Webhook' });
export type Webhook = z.infer<typeof WebhookSchema>;

/** A row of the webhooks table; the secret itself lives only in Key Vault. */
export const WebhookEntitySchema = z.object({
  partitionKey: z.string(),
  rowKey: z.string(),
  kind: z.literal('webhook'),
  url: z.string(),
  events: z.string().transform((text) => z.array(WebhookEventTypeSchema).parse(JSON.parse(text))),
  secretHint: z.string(),
  secretName: z.string(),
  secretVersion: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  lastDelivery: z
    .string()
    .optional()
    .transform((text) => (text ? DeliverySchema.parse(JSON.parse(text)) : undefined)),
});
export type WebhookRecord = Omit<
  z.infer<typeof WebhookEntitySchema>,
  'partitionKey' | 'rowKey' | 'kind'
> & { id: string; tenantId: string };

export function toWebhook(record: WebhookRecord): Webhook {
  return {
    id: record.id,
    url: record.url,
    events: record.events,
    secretHint: record.secretHint,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    updatedAt: record.updatedAt,
    ...(record.lastDelivery ? { lastDelivery: record.lastDelivery } : {}),
  };
}
