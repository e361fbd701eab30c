import { app, type InvocationContext } from '@azure/functions';

/**
 * Functions that overrun the host's functionTimeout, or run beside one that does, so a test can
 * see the worker process restarted: `state` counts its calls in module state, which only a new
 * process resets.
 */

let calls = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function delayOf(message: unknown): number {
  return Number((message as { delayMs?: number } | null)?.delayMs ?? 0);
}

function started(context: InvocationContext): void {
  context.log(
    `${context.functionName} started dequeueCount=${String(context.triggerMetadata?.dequeueCount)}`,
  );
}

app.http('state', {
  methods: ['GET'],
  handler: () => ({ jsonBody: { calls: ++calls, pid: process.pid } }),
});

/** Answers after the given milliseconds. */
app.http('sleep', {
  methods: ['GET'],
  route: 'sleep/{ms:int}',
  handler: async (request) => {
    await sleep(Number(request.params.ms));
    return { body: 'woke' };
  },
});

/** Holds the event loop, as a stuck synchronous loop would: only ending the process stops it. */
app.http('spin', {
  methods: ['GET'],
  handler: () => {
    for (;;) {
      // never returns
    }
  },
});

/** Takes the worker process down from outside any invocation, as an uncaught exception does. */
app.http('crash', {
  methods: ['GET'],
  handler: async () => {
    setImmediate(() => {
      throw new Error('an uncaught exception in the app');
    });
    await sleep(60_000);
    return { body: 'not reached' };
  },
});

app.storageQueue('overrun', {
  queueName: '%OVERRUN_QUEUE%',
  connection: 'AzureWebJobsStorage',
  handler: async (message, context) => {
    started(context);
    await sleep(delayOf(message));
  },
});

app.storageQueue('companion', {
  queueName: '%COMPANION_QUEUE%',
  connection: 'AzureWebJobsStorage',
  handler: async (message, context) => {
    started(context);
    await sleep(delayOf(message));
    context.log('companion finished');
  },
});
