import { app, output, type HttpRequest, type InvocationContext } from '@azure/functions';

/** A small app whose HTTP functions show the host's routing, methods and output semantics. */

const auditQueue = output.storageQueue({
  queueName: '%AUDIT_QUEUE%',
  connection: 'AzureWebJobsStorage',
});

async function echo(request: HttpRequest, context: InvocationContext) {
  return {
    jsonBody: {
      functionName: context.functionName,
      method: request.method,
      params: request.params,
      query: Object.fromEntries(request.query),
      header: request.headers.get('x-test'),
      body: request.method === 'GET' ? null : await request.text(),
    },
  };
}

app.http('item', {
  methods: ['GET', 'PUT'],
  route: 'items/{id}',
  authLevel: 'anonymous',
  handler: echo,
});
app.http('itemSearch', { methods: ['GET'], route: 'items/search', handler: echo });
app.http('itemDetail', { methods: ['GET'], route: 'orders/{id:int}/detail', handler: echo });
app.http('files', { methods: ['GET'], route: 'files/{*path}', handler: echo });
app.http('optional', { methods: ['GET'], route: 'optional/{name?}', handler: echo });
app.http('defaultRoute', { methods: ['POST'], handler: echo });
app.http('settingRoute', { methods: ['GET'], route: '%ROUTE_SETTING%/ping', handler: echo });

app.http('audited', {
  methods: ['POST'],
  route: 'audited/{outcome}',
  extraOutputs: [auditQueue],
  handler: (request, context) => {
    context.extraOutputs.set(auditQueue, [{ id: request.params.outcome }, 'second']);
    if (request.params.outcome === 'fail') throw new Error('failed after setting an output');
    return { status: 201, headers: { 'x-done': 'yes' } };
  },
});

/** An array output of many elements, which must arrive in order. */
app.http('fanout', {
  methods: ['POST'],
  route: 'fanout/{count:int}',
  extraOutputs: [auditQueue],
  handler: (request, context) => {
    const count = Number(request.params.count);
    context.extraOutputs.set(
      auditQueue,
      Array.from({ length: count }, (_, index) => `item-${index}`),
    );
    return { status: 202 };
  },
});

app.http('cookies', {
  methods: ['GET'],
  handler: () => ({
    headers: { 'x-other': 'kept' },
    cookies: [
      {
        name: 'session',
        value: 'a b;c',
        path: '/v1',
        domain: 'localhost',
        expires: new Date('2030-01-02T03:04:05Z'),
        maxAge: 3600,
        secure: true,
        httpOnly: true,
        sameSite: 'Lax' as const,
      },
      { name: 'plain', value: 'x', sameSite: 'None' as const },
    ],
  }),
});

/** Logs during and after its invocation; the log hook below marks its user logs. */
app.http('lateLog', {
  methods: ['GET'],
  handler: (_request, context) => {
    context.log('lateLog user line');
    setTimeout(() => context.log('lateLog after return'), 100);
    return { body: 'done' };
  },
});

app.http('throwingLogHook', {
  methods: ['GET'],
  handler: (_request, context) => {
    context.log('throw-in-log-hook');
    return { body: 'still fine' };
  },
});

app.hook.log((context) => {
  if (context.message.includes('throw-in-log-hook')) throw new Error('a log hook failed');
  // Rewrites every log about lateLog; the host must apply it to user logs only.
  if (context.message.includes('lateLog')) context.message = `HOOKED ${context.message}`;
});

/**
 * The worker's own hook API, which the host provides as `@azure/functions-core`. Unlike the
 * library's hook contexts, its contexts show `appHookData` as well as `hookData`.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const coreApi = require('@azure/functions-core') as {
  registerHook(
    name: string,
    callback: (context: Record<string, Record<string, unknown>>) => void,
  ): unknown;
};

let appStarted = false;
app.hook.appStart((context) => {
  appStarted = true;
  // For app hooks this is the worker's appLevelOnlyHookData: shared with appTerminate only.
  context.hookData.startOnly = 'start';
  // The worker runs appStart hooks before it asks for capabilities, which locks setup.
  app.setup({ capabilities: { LocalHostTestCapability: 'on' } });
});
coreApi.registerHook('appStart', (context) => {
  context.appHookData!.shared = 'app';
});
app.hook.appTerminate((context) => {
  process.stdout.write(`appTerminate hookData=${JSON.stringify(context.hookData)}\n`);
});
coreApi.registerHook('preInvocation', (context) => {
  context.hookData!.appHookData = { ...context.appHookData };
});
app.hook.preInvocation((context) => {
  context.hookData.seenBefore = context.invocationContext.functionName;
});
app.hook.postInvocation((context) => {
  if (context.invocationContext.functionName !== 'hooked') return;
  context.result = {
    jsonBody: {
      seenBefore: context.hookData.seenBefore,
      appStarted,
      appHookData: context.hookData.appHookData,
    },
  };
});
app.http('hooked', { methods: ['GET'], handler: () => ({ body: 'replaced by the post hook' }) });
