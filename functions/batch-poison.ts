import { app } from '@azure/functions';
import { onPoisonBatchMessage } from '../shared/pipeline/pipeline-triggers';

app.storageQueue('batch-poison', {
  queueName: 'export-batches-poison',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onPoisonBatchMessage(message, context),
});
