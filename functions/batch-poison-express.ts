import { app } from '@azure/functions';
import { onPoisonExpressBatchMessage } from '../shared/app/pipeline-triggers';

app.storageQueue('batch-poison-express', {
  queueName: 'export-batches-express-poison',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onPoisonExpressBatchMessage(message, context),
});
