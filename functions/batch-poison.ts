import { app } from '@azure/functions';
import { onPoisonBatchMessage } from '../shared/app/pipeline-triggers';

app.storageQueue('batch-poison', {
  queueName: 'export-batches-poison',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onPoisonBatchMessage(message, context),
});
