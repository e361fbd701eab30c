import { app, output } from '@azure/functions';

/**
 * Event Grid functions that report each event they were given on the queue named by
 * %OBSERVE_QUEUE%, so a test in another process can check what the host's webhook delivered.
 */

const observe = output.storageQueue({
  queueName: '%OBSERVE_QUEUE%',
  connection: 'AzureWebJobsStorage',
});

app.eventGrid('blobEvents', {
  extraOutputs: [observe],
  handler: (event, context) => {
    if (event.subject.endsWith('/fail.csv')) throw new Error('this event always fails');
    context.extraOutputs.set(observe, { function: context.functionName, event });
  },
});
