import { app } from '@azure/functions';
import { onWebhookEvent } from '../shared/webhooks/webhook-triggers';

app.storageQueue('webhook-fan-out', {
  queueName: 'webhook-events',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onWebhookEvent(message, context),
});
