import { app } from '@azure/functions';
import { onWebhookDelivery } from '../shared/app/webhook-triggers';

app.storageQueue('webhook-deliver', {
  queueName: 'webhook-deliveries',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onWebhookDelivery(message, context),
});
