import { app } from '@azure/functions';
import { onWebhookEvent } from '../shared/app/webhook-triggers';

app.storageQueue('webhook-fan-out', {
  queueName: 'webhook-events',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onWebhookEvent(message, context),
});
