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

let appStarted = false;
app.hook.appStart(() => {
  appStarted = true;
});
app.hook.preInvocation((context) => {
  context.hookData.seenBefore = context.invocationContext.functionName;
});
app.hook.postInvocation((context) => {
  if (context.invocationContext.functionName !== 'hooked') return;
  context.result = {
    jsonBody: { seenBefore: context.hookData.seenBefore, appStarted },
  };
});
app.http('hooked', { methods: ['GET'], handler: () => ({ body: 'replaced by the post hook' }) });
