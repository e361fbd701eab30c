import { app, output } from '@azure/functions';

/** Timer functions that announce each run on the queue named by %OBSERVE_QUEUE%. */

const observe = output.storageQueue({
  queueName: '%OBSERVE_QUEUE%',
  connection: 'AzureWebJobsStorage',
});
let flakyRuns = 0;

app.timer('everySecond', {
  schedule: '%TICK_SCHEDULE%',
  extraOutputs: [observe],
  handler: (timer, context) => {
    context.extraOutputs.set(observe, { function: 'everySecond', timer });
  },
});

app.timer('onStartup', {
  schedule: '0 0 0 1 1 *',
  runOnStartup: true,
  extraOutputs: [observe],
  handler: (timer, context) => {
    context.extraOutputs.set(observe, { function: 'onStartup', timer });
  },
});

app.timer('byHand', {
  schedule: '0 0 0 1 1 *',
  extraOutputs: [observe],
  handler: (timer, context) => {
    context.extraOutputs.set(observe, { function: 'byHand', timer });
  },
});

app.timer('retried', {
  schedule: '0 0 0 1 1 *',
  retry: { strategy: 'fixedDelay', maxRetryCount: 2, delayInterval: { seconds: 1 } },
  extraOutputs: [observe],
  handler: (_timer, context) => {
    flakyRuns++;
    if (flakyRuns === 1) throw new Error('first run fails');
    context.extraOutputs.set(observe, { function: 'retried', runs: flakyRuns });
  },
});
