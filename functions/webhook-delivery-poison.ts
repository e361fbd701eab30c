import { app } from '@azure/functions';
import { onPoisonWebhookDelivery } from '../shared/app/webhook-triggers';

app.storageQueue('webhook-delivery-poison', {
  queueName: 'webhook-deliveries-poison',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onPoisonWebhookDelivery(message, context),
});
