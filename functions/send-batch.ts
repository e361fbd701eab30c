import { app } from '@azure/functions';
import { onBatchMessage } from '../shared/app/pipeline-triggers';

app.storageQueue('send-batch', {
  queueName: 'export-batches',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onBatchMessage(message, context),
});
