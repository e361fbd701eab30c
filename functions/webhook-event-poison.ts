import { app } from '@azure/functions';
import { onPoisonWebhookEvent } from '../shared/app/webhook-triggers';

app.storageQueue('webhook-event-poison', {
  queueName: 'webhook-events-poison',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onPoisonWebhookEvent(message, context),
});
