import { app, input } from '@azure/functions';

/** An app using a feature the local host refuses at start, chosen by the UNSUPPORTED setting. */

const variant = process.env.UNSUPPORTED;

if (variant === 'http-stream') app.setup({ enableHttpStream: true });

app.http('plain', { methods: ['GET'], handler: () => ({ body: 'plain' }) });

if (variant === 'input') {
  const blob = input.storageBlob({ path: 'inputs/one.txt', connection: 'AzureWebJobsStorage' });
  app.http('withBlobInput', {
    methods: ['GET'],
    extraInputs: [blob],
    handler: (_request, context) => ({ body: String(context.extraInputs.get(blob)) }),
  });
}
