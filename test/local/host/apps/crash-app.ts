import { app } from '@azure/functions';

/**
 * Functions that take their worker process down, so a test can see it restarted: `state` counts
 * calls in module state, which only a new process resets. With WORKER_EXIT_AFTER_MS set, every
 * worker exits (code 3) that long after loading the app, with no invocation to blame.
 */

let calls = 0;

const exitAfterMs = process.env.WORKER_EXIT_AFTER_MS;
if (exitAfterMs) setTimeout(() => process.exit(3), Number(exitAfterMs));

app.http('state', {
  methods: ['GET'],
  handler: () => ({ jsonBody: { calls: ++calls, pid: process.pid } }),
});

/** Ends the worker process with the given exit code while the invocation runs. */
app.http('exit', {
  methods: ['GET'],
  route: 'exit/{code:int}',
  handler: (request) => process.exit(Number(request.params.code)),
});

/** An uncaught exception outside the invocation, which ends the process with exit code 1. */
app.http('throw', {
  methods: ['GET'],
  handler: async () => {
    setImmediate(() => {
      throw new Error('an uncaught exception in the app');
    });
    await new Promise((resolve) => setTimeout(resolve, 60_000));
    return { body: 'not reached' };
  },
});
