import { app } from '@azure/functions';
import { onPoisonRunMessage } from '../shared/app/pipeline-triggers';

app.storageQueue('run-poison', {
  queueName: 'export-runs-poison',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onPoisonRunMessage(message, context),
});
