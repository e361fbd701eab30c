import { app } from '@azure/functions';
import { onPoisonOnDemandRunMessage } from '../shared/app/pipeline-triggers';

app.storageQueue('run-poison-on-demand', {
  queueName: 'export-runs-on-demand-poison',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onPoisonOnDemandRunMessage(message, context),
});
