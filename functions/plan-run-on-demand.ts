import { app } from '@azure/functions';
import { onOnDemandRunMessage } from '../shared/app/pipeline-triggers';

// Runs requested on demand have a queue and a listener of their own (plan-run reads scheduled and
// refresh runs), so a burst of scheduled runs never stands in front of them.
app.storageQueue('plan-run-on-demand', {
  queueName: 'export-runs-on-demand',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onOnDemandRunMessage(message, context),
});
