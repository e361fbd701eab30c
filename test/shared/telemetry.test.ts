import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const dist = path.resolve(__dirname, '..', '..', 'dist', 'shared');

/**
 * Telemetry off, in a process of its own (the module cache and OpenTelemetry's globals are
 * process-wide): the app's start-up call with settings that have no connection string, then the
 * calls the pipeline makes per batch and per request.
 */
const script = `
const { loadSettings } = require(${JSON.stringify(path.join(dist, 'settings.js'))});
const telemetry = require(${JSON.stringify(path.join(dist, 'telemetry.js'))});
(async () => {
  const settings = loadSettings({
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    KEY_VAULT_URL: 'https://example-vault.vault.azure.net/',
    AUTH_ISSUER: 'https://login.example/tenant/v2.0',
    AUTH_AUDIENCE: 'api://iterable-segment-export',
    AUTH_JWKS_URL: 'https://login.example/keys',
  });
  telemetry.startTelemetry(settings.telemetry);
  const result = await telemetry.inSpan(
    'send batch',
    { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', attributes: {} },
    async () => telemetry.currentTraceparent() ?? 'none',
  );
  telemetry.recordIterableRequest({ endpoint: 'POST /api/lists/subscribe', status: 429, durationMs: 5, attempt: 1 });
  telemetry.recordBatchDone({ succeeded: 1000, rejected: 0, failed: 0, kind: 'subscribe' });
  telemetry.observeQueueBacklog('export-batches', async () => { throw new Error('never asked'); });
  await telemetry.stopTelemetry();
  const apiGlobals = globalThis[Symbol.for('opentelemetry.js.api.1')];
  console.log(JSON.stringify({
    telemetrySettings: settings.telemetry ?? null,
    traceparentInSpan: result,
    distroLoaded: Object.keys(require.cache).some((file) => file.includes('monitor-opentelemetry')),
    registeredGlobals: Object.keys(apiGlobals ?? {}).filter((key) => key !== 'version'),
  }));
})();
`;

describe('telemetry without APPLICATIONINSIGHTS_CONNECTION_STRING', () => {
  it('loads and starts nothing, and every call is a no-op', () => {
    if (!existsSync(path.join(dist, 'telemetry.js'))) throw new Error('run "npm run build" first');
    const env = { ...process.env };
    delete env.APPLICATIONINSIGHTS_CONNECTION_STRING;
    const output = execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({
      telemetrySettings: null,
      // No propagator is registered, so nothing is carried into queue messages either.
      traceparentInSpan: 'none',
      distroLoaded: false,
      registeredGlobals: [],
    });
  });
});
