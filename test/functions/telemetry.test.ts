import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { BlobServiceClient } from '@azure/storage-blob';
import { generate } from 'selfsigned';
import { startAppStack, type AppStack } from '../support/app-stack';

const tenant = `telemetry-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };
const size = 2500;

interface Envelope {
  name: string;
  tags?: Record<string, string>;
  data?: {
    baseType?: string;
    baseData?: {
      name?: string;
      properties?: Record<string, string>;
      metrics?: { name: string; value: number }[];
    };
  };
}

/**
 * Plays Application Insights' ingestion endpoint over HTTPS (the exporter sends nothing else) with
 * a certificate made for the test, and keeps every telemetry item posted to it.
 */
async function startIngestion() {
  const items: Envelope[] = [];
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const caFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'ingestion-')), 'ca.pem');
  writeFileSync(caFile, pems.cert);
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const text = body.toString('utf8').trim();
      if (text.startsWith('[')) items.push(...(JSON.parse(text) as Envelope[]));
      else for (const line of text.split('\n')) if (line) items.push(JSON.parse(line) as Envelope);
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    /** For NODE_EXTRA_CA_CERTS, so the app trusts the test's certificate (and nothing changes). */
    caFile,
    items,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * With APPLICATIONINSIGHTS_CONNECTION_STRING set, a run is one trace in Application Insights: the
 * HTTP request, the planner and each batch (linked through the queue messages' traceparent) and
 * each Iterable request, with the export's metrics beside them.
 */
describe('telemetry to Application Insights', () => {
  const key = randomBytes(16).toString('hex');
  let ingestion: Awaited<ReturnType<typeof startIngestion>>;
  let stack: AppStack;

  beforeAll(async () => {
    ingestion = await startIngestion();
    stack = await startAppStack({
      apiKeys: [key],
      env: {
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=11111111-2222-3333-4444-555555555555;IngestionEndpoint=${ingestion.url}/`,
        APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
        NODE_EXTRA_CA_CERTS: ingestion.caFile,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_BSP_SCHEDULE_DELAY: '500',
      },
    });
  });
  afterAll(async () => {
    await stack.stop();
    await ingestion.close();
  });

  it('sends one trace per run, from the request through every batch and Iterable call', async () => {
    const csv = `email\n${Array.from({ length: size }, (_, i) => `traced${i}@example.com`).join('\n')}\n`;
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/Traced.csv`)
      .upload(csv, Buffer.byteLength(csv));
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Traced', apiKey: key, consent: { accepted: true } },
    });
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: 'Traced',
        connectionId: connection.json().id,
        segments: ['Traced'],
        emailField: 'email',
      },
    });
    const exportId = String(created.json().id);
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body: {} });
    const runId = String(started.json().id);

    const named = (name: string) =>
      ingestion.items.filter((item) => item.data?.baseData?.name === name);
    const batches = Math.ceil(size / 1000);
    const deadline = Date.now() + 30_000;
    while (
      (named('plan run').length < 1 ||
        named('send batch').length < batches ||
        !ingestion.items.some((item) =>
          item.data?.baseData?.metrics?.some((metric) => metric.name === 'export.profiles_sent'),
        )) &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    console.log(
      JSON.stringify(
        ingestion.items.map((i) => [i.name, i.data?.baseData?.name, i.tags?.['ai.operation.id']]),
      ).slice(0, 3000),
    );
    console.log(
      stack.host
        .output()
        .split('\n')
        .filter((l) => /error|Error|warn/i.test(l))
        .slice(0, 20)
        .join('\n'),
    );
    const request = named('POST /api/exports/{id}/runs');
    expect(request).toHaveLength(1);
    const traceId = request[0]?.tags?.['ai.operation.id'];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const plan = named('plan run');
    expect(plan).toHaveLength(1);
    expect(plan[0]?.data?.baseData?.properties).toMatchObject({ runId, exportId });
    const sends = named('send batch');
    expect(sends).toHaveLength(batches);
    const calls = named('Iterable POST /api/lists/subscribe');
    expect(calls).toHaveLength(batches);
    // One trace: the queues carried the request's trace context to the planner and the batches.
    for (const item of [...plan, ...sends, ...calls])
      expect(item.tags?.['ai.operation.id']).toBe(traceId);

    const sent = ingestion.items
      .flatMap((item) => item.data?.baseData?.metrics ?? [])
      .filter((metric) => metric.name === 'export.profiles_sent')
      .reduce((total, metric) => total + metric.value, 0);
    expect(sent).toBe(size);
    expect(JSON.stringify(ingestion.items)).not.toContain(key);
    expect(JSON.stringify(ingestion.items)).not.toMatch(/traced\d+@example\.com/);
  });
});
