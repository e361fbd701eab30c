import { app } from '@azure/functions';
import { onPoisonSegmentEventCheck } from '../shared/app/segment-event-triggers';

app.storageQueue('segment-event-check-poison', {
  queueName: 'segment-event-checks-poison',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onPoisonSegmentEventCheck(message, context),
});
