import { app } from '@azure/functions';
import { onRefreshShard } from '../shared/app/refresh-timer-trigger';

app.storageQueue('refresh-shard', {
  queueName: 'refresh-sweep-shards',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onRefreshShard(message, context),
});
