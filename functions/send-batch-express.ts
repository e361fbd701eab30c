import { app } from '@azure/functions';
import { onExpressBatchMessage } from '../shared/app/pipeline-triggers';

// Every run's first few batches have a queue and a listener of their own (send-batch reads the
// rest), so a small run never waits behind the batches of a large one.
app.storageQueue('send-batch-express', {
  queueName: 'export-batches-express',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onExpressBatchMessage(message, context),
});
