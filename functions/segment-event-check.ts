import { app } from '@azure/functions';
import { onSegmentEventCheck } from '../shared/app/segment-event-triggers';

app.storageQueue('segment-event-check', {
  queueName: 'segment-event-checks',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onSegmentEventCheck(message, context),
});
