import { app } from '@azure/functions';
import { onPoisonRefreshShard } from '../shared/app/refresh-timer-trigger';

app.storageQueue('refresh-shard-poison', {
  queueName: 'refresh-sweep-shards-poison',
  connection: 'AzureWebJobsStorage',
  handler: (message, context) => onPoisonRefreshShard(message, context),
});
