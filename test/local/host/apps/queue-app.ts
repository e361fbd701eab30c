import { app, output, type InvocationContext } from '@azure/functions';

/**
 * Queue functions that report what they saw on the queue named by %OBSERVE_QUEUE%, so a test in
 * another process can check the host's queue semantics.
 */

const observe = output.storageQueue({
  queueName: '%OBSERVE_QUEUE%',
  connection: 'AzureWebJobsStorage',
});
let running = 0;

function report(context: InvocationContext, message: unknown, extra: Record<string, unknown> = {}) {
  context.extraOutputs.set(observe, {
    function: context.functionName,
    message,
    metadata: context.triggerMetadata,
    at: Date.now(),
    ...extra,
  });
}

app.storageQueue('echo', {
  queueName: '%ECHO_QUEUE%',
  connection: 'AzureWebJobsStorage',
  extraOutputs: [observe],
  handler: (message, context) => report(context, message),
});

app.storageQueue('alwaysFails', {
  queueName: '%FAIL_QUEUE%',
  connection: 'AzureWebJobsStorage',
  handler: () => {
    throw new Error('this function always fails');
  },
});

/** Fails on its first two deliveries, each time after setting an output that must not be written. */
app.storageQueue('failsTwice', {
  queueName: '%FLAKY_QUEUE%',
  connection: 'AzureWebJobsStorage',
  extraOutputs: [observe],
  handler: (message, context) => {
    report(context, message);
    if (Number(context.triggerMetadata?.dequeueCount) < 3) throw new Error('not yet');
  },
});

app.storageQueue('slow', {
  queueName: '%SLOW_QUEUE%',
  connection: 'AzureWebJobsStorage',
  extraOutputs: [observe],
  handler: async (message, context) => {
    running++;
    const concurrent = running;
    context.log(`slow started ${JSON.stringify(message)}`);
    const { delayMs = 300 } = (message ?? {}) as { delayMs?: number };
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    running--;
    report(context, message, { concurrent });
  },
});

/** On a queue that has no poison queue (its name ends in "-poison" or is too long for one). */
if (process.env.NO_POISON_QUEUE) {
  app.storageQueue('noPoisonQueue', {
    queueName: '%NO_POISON_QUEUE%',
    connection: 'AzureWebJobsStorage',
    handler: () => {
      throw new Error('fails on a queue without a poison queue');
    },
  });
}

/** Keeps shutdown busy after the grace period, so a late invocation could still write outputs. */
if (process.env.TERMINATE_DELAY_MS) {
  app.hook.appTerminate(
    () => new Promise((resolve) => setTimeout(resolve, Number(process.env.TERMINATE_DELAY_MS))),
  );
}
