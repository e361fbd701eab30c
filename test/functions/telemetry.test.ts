import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { BlobServiceClient } from '@azure/storage-blob';
import { generate } from 'selfsigned';
import { startAppStack, type AppStack } from '../support/app-stack';

const tenant = `telemetry-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };
const size = 2500;
const batchSize = 1000;
const invalidRows = ['not-an-email', 'broken@'];

/** An Application Insights telemetry item, as the exporter posts it. */
interface Envelope {
  name: string;
  tags?: Record<string, string>;
  data?: {
    baseType?: string;
    baseData?: {
      id?: string;
      name?: string;
      resultCode?: string;
      responseCode?: string;
      type?: string;
      target?: string;
      properties?: Record<string, string>;
      metrics?: { name: string; value: number; count?: number }[];
    };
  };
}

/**
 * Plays Application Insights' ingestion endpoint over HTTPS (the exporter sends nothing else) with
 * a certificate made for the test, and keeps every telemetry item posted to it.
 */
async function startIngestion(folder: string) {
  const items: Envelope[] = [];
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const caFile = path.join(folder, 'ca.pem');
  writeFileSync(caFile, pems.cert);
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      // The exporter gzips its batches for Azure's ingestion hosts; take both forms.
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const text = body.toString('utf8').trim();
      const received: Envelope[] = text.startsWith('[')
        ? (JSON.parse(text) as Envelope[])
        : text.split('\n').map((line) => JSON.parse(line) as Envelope);
      if (request.url === '/v2.1/track') items.push(...received);
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          itemsReceived: received.length,
          itemsAccepted: received.length,
          errors: [],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    /** For NODE_EXTRA_CA_CERTS: read by the host process at its start, so only the child's env. */
    caFile,
    items,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * An HTTP proxy that refuses every request and notes where it was going: the host's proxy for the
 * outside world (the exporter asks Azure for its own settings), so the test reaches nothing else.
 */
async function startRefusingProxy() {
  const attempts: string[] = [];
  const server = http.createServer((request, response) => {
    attempts.push(request.url ?? '');
    response.writeHead(403).end();
  });
  server.on('connect', (request: http.IncomingMessage, socket: Socket) => {
    attempts.push(request.url ?? '');
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attempts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * With APPLICATIONINSIGHTS_CONNECTION_STRING set, a run is one trace in Application Insights: the
 * HTTP request, the planner and each batch (linked through the queue messages' traceparent) and
 * each Iterable request, with the export's metrics beside them. The metrics arrive only because
 * stopping the host flushes them: their interval (a minute in Azure) is made longer than the test.
 */
describe('telemetry to Application Insights', () => {
  const key = randomBytes(16).toString('hex');
  const folder = mkdtempSync(path.join(os.tmpdir(), 'telemetry-'));
  let ingestion: Awaited<ReturnType<typeof startIngestion>>;
  let proxy: Awaited<ReturnType<typeof startRefusingProxy>>;
  let stack: AppStack;
  let stopped = false;

  beforeAll(async () => {
    [ingestion, proxy] = await Promise.all([startIngestion(folder), startRefusingProxy()]);
    stack = await startAppStack({
      apiKeys: [key],
      env: {
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${randomUUID()};IngestionEndpoint=${ingestion.url}/`,
        NODE_EXTRA_CA_CERTS: ingestion.caFile,
        // The exporter's own usage reports go to Microsoft, not to the app's resource.
        APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
        HTTPS_PROXY: proxy.url,
        HTTP_PROXY: proxy.url,
        NO_PROXY: '127.0.0.1,localhost',
        // Telemetry the exporter could not send waits on disk for the next start: not this test's.
        TMPDIR: folder,
        OTEL_METRIC_EXPORT_INTERVAL: '600000',
      },
    });
  });
  afterAll(async () => {
    if (!stopped) await stack.stop();
    await Promise.all([ingestion.close(), proxy.close()]);
    rmSync(folder, { recursive: true, force: true });
  });

  it('sends one trace per run, from the request through every batch and Iterable call', async () => {
    const emails = Array.from({ length: size }, (_, i) => `traced${i}@example.com`);
    const csv = `email\n${[...emails, ...invalidRows].join('\n')}\n`;
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
    // One 429 and then one 503 from Iterable: the batch goes back to the queue after each.
    stack.iterable.configure({
      throttleNext: 1,
      failNext: 1,
      failStatus: 503,
      faultEndpoints: ['POST /api/lists/subscribe'],
    });
    const answeredBefore = answers(stack);
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body: {} });
    expect(started.status).toBe(202);
    const runId = String(started.json().id);
    const run = await waitForEnd(stack, exportId, runId);
    // The invalid rows are rejections, which makes the run a partial success.
    expect(run).toMatchObject({
      status: 'partiallySucceeded',
      counts: { added: size, rejected: invalidRows.length, failed: 0 },
    });
    const iterableRequests = answers(stack) - answeredBefore;

    // Metrics wait for their interval; the host's shutdown (appTerminate) sends them.
    expect(metricPoints(ingestion.items, 'export.profiles_sent')).toEqual([]);
    await stack.stop();
    stopped = true;
    const { items } = ingestion;

    // The run's trace: the request, the planner under it, the batches under the planner.
    const [request, ...moreRequests] = named(items, 'POST /api/exports/{id}/runs');
    expect(moreRequests).toEqual([]);
    expect(request?.data?.baseData?.properties?.status).toBe('202');
    const traceId = request?.tags?.['ai.operation.id'];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    // Under the host's own item of the HTTP invocation, as in Azure.
    expect(request?.tags?.['ai.operation.parentId']).toMatch(/^[0-9a-f]{16}$/);
    const inRun = items.filter((item) => item.tags?.['ai.operation.id'] === traceId);

    const [plan, ...morePlans] = named(items, 'plan run');
    expect(morePlans).toEqual([]);
    expect(plan?.tags?.['ai.operation.id']).toBe(traceId);
    expect(plan?.tags?.['ai.operation.parentId']).toBe(request?.data?.baseData?.id);
    expect(plan?.data?.baseData?.properties).toMatchObject({ tenantId: tenant, exportId, runId });

    const sends = named(items, 'send batch');
    const batches = Math.ceil(size / batchSize);
    expect(new Set(sends.map((send) => send.data?.baseData?.properties?.batch)).size).toBe(batches);
    for (const send of sends) {
      expect(send.tags?.['ai.operation.id']).toBe(traceId);
      expect(send.tags?.['ai.operation.parentId']).toBe(plan?.data?.baseData?.id);
    }
    // Each span names the Functions invocation it ran in, the key to the host's own items.
    const executed = (name: string) =>
      [
        ...stack.host
          .output()
          .matchAll(new RegExp(`Executed 'Functions\\.${name}' \\(\\w+, Id=([0-9a-f-]+)`, 'g')),
      ].map((match) => match[1]);
    expect(request?.data?.baseData?.properties?.InvocationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(executed('plan-run-on-demand')).toContain(
      plan?.data?.baseData?.properties?.InvocationId,
    );
    const sendInvocations = [...executed('send-batch'), ...executed('send-batch-express')];
    for (const send of sends) {
      expect(sendInvocations).toContain(send.data?.baseData?.properties?.InvocationId);
    }
    // The app's spans are in-process dependencies: the host writes each invocation's one request.
    for (const span of [request, plan, ...sends]) {
      expect(span?.data?.baseType).toBe('RemoteDependencyData');
      expect(span?.data?.baseData?.type).toBe('InProc');
    }
    // A batch put back (after the 429 and the 503: the queue brings it again) records nothing in
    // that invocation; each batch records its result once.
    const succeeded = sends
      .map((send) => send.data?.baseData?.properties?.succeeded)
      .filter((count) => count !== undefined)
      .map(Number);
    expect(succeeded).toHaveLength(batches);
    expect(succeeded.reduce((total, count) => total + count, 0)).toBe(size);

    // Every Iterable request of the run is a dependency under its batch or the planner.
    const calls = items.filter((item) => item.data?.baseData?.name?.startsWith('Iterable '));
    expect(calls).toHaveLength(iterableRequests);
    const parents = new Set([plan, ...sends].map((span) => span?.data?.baseData?.id));
    for (const call of calls) {
      expect(call.data?.baseType).toBe('RemoteDependencyData');
      expect(call.data?.baseData).toMatchObject({ type: 'Http', target: 'Iterable' });
      expect(call.tags?.['ai.operation.id']).toBe(traceId);
      expect(parents).toContain(call.tags?.['ai.operation.parentId']);
    }
    const subscribeStatuses = calls
      .filter((call) => call.data?.baseData?.name === 'Iterable POST /api/lists/subscribe')
      .map((call) => call.data?.baseData?.resultCode);
    const expected = [...Array.from({ length: batches }, () => '200'), '429', '503'];
    expect(subscribeStatuses.sort()).toEqual(expected.sort());
    expect(inRun).toHaveLength(2 + sends.length + calls.length);

    // The metrics of the issue, with the counts the run produced.
    expect(sum(metricPoints(items, 'export.profiles_sent'))).toBe(size);
    expect(metricPoints(items, 'export.rejections')).toEqual([
      expect.objectContaining({ value: invalidRows.length, properties: { source: 'snapshot' } }),
    ]);
    expect(sum(metricPoints(items, 'iterable.throttled'))).toBe(1);
    expect(sum(metricPoints(items, 'iterable.server_errors'))).toBe(1);
    const latency = metricPoints(items, 'iterable.request.duration');
    expect(latency.reduce((total, point) => total + (point.count ?? 0), 0)).toBe(iterableRequests);
    expect(metricPoints(items, 'run.duration')).toEqual([
      expect.objectContaining({ count: 1, properties: { status: 'partiallySucceeded' } }),
    ]);
    const backlog = metricPoints(items, 'queue.backlog').map((point) => point.properties.queue);
    expect(new Set(backlog)).toEqual(
      new Set(['export-batches', 'export-batches-express', 'export-runs', 'export-runs-on-demand']),
    );

    // Ids and counts only: never the API key, a bearer token or anyone's e-mail address.
    const everything = JSON.stringify(items);
    expect(everything).not.toContain(key);
    expect(everything).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    expect(everything).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.-]+/);
    // Nothing went anywhere but the ingestion endpoint, apart from the exporter asking Azure for
    // its settings (refused here).
    for (const attempt of proxy.attempts)
      expect(attempt).toBe('settings.sdk.monitor.azure.com:443');
  });
});

function named(items: Envelope[], name: string): Envelope[] {
  return items.filter((item) => item.data?.baseData?.name === name);
}

interface MetricPoint {
  value: number;
  count?: number;
  properties: Record<string, string>;
}

function metricPoints(items: Envelope[], name: string): MetricPoint[] {
  return items.flatMap((item) =>
    (item.data?.baseData?.metrics ?? [])
      .filter((metric) => metric.name === name)
      .map((metric) => ({
        value: metric.value,
        count: metric.count,
        properties: item.data?.baseData?.properties ?? {},
      })),
  );
}

function sum(points: MetricPoint[]): number {
  return points.reduce((total, point) => total + point.value, 0);
}

/** Requests the Iterable stand-in has answered so far, any route and status. */
function answers(stack: AppStack): number {
  return Object.values(stack.iterable.stats().requests)
    .flatMap((byStatus) => Object.values(byStatus))
    .reduce((total, count) => total + count, 0);
}

async function waitForEnd(stack: AppStack, exportId: string, runId: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const run = (
      await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin })
    ).json();
    if (!['queued', 'planning', 'running'].includes(String(run.status))) return run;
    if (Date.now() > deadline) throw new Error(`Run still ${String(run.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
