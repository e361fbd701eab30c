import { app } from '@azure/functions';
import { onRunMessage } from '../shared/app/pipeline-triggers';

app.storageQueue('plan-run', {
  queueName: 'export-runs',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onRunMessage(message, context),
});
