import {
  context,
  metrics,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
} from '@opentelemetry/api';
import { createAzureCredential } from './clients/azure-credential';
import type { Settings } from './settings';
import type * as AzureMonitor from '@azure/monitor-opentelemetry';

type AzureMonitorDistro = typeof AzureMonitor;

/**
 * OpenTelemetry traces and metrics, sent to Application Insights through Azure Monitor when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set; otherwise the API's no-op tracer and meter, and
 * nothing to configure. A run is one trace: the HTTP request (joined to the Functions host's own
 * trace), the planner and every batch, linked across the queues by a W3C `traceparent` carried in
 * each queue message, and every Iterable request under its batch.
 */

const tracer = trace.getTracer('iterable-segment-export');
const meter = metrics.getMeter('iterable-segment-export');

const instruments = {
  profilesSent: meter.createCounter('export.profiles_sent', {
    description: 'Members Iterable confirmed (subscribed or unsubscribed)',
  }),
  rejections: meter.createCounter('export.rejections', {
    description: 'Members refused by Iterable or rejected while reading the snapshot',
  }),
  iterableLatency: meter.createHistogram('iterable.request.duration', {
    description: 'Iterable request latency',
    unit: 'ms',
  }),
  throttled: meter.createCounter('iterable.throttled', { description: 'Iterable 429 answers' }),
  serverErrors: meter.createCounter('iterable.server_errors', {
    description: 'Iterable 5xx answers and requests without an answer',
  }),
  runDuration: meter.createHistogram('run.duration', {
    description: 'From a run starting to plan to its end',
    unit: 's',
  }),
};

let started = false;

/** Starts the Azure Monitor distro once per process, if the settings ask for telemetry. */
export function startTelemetry(settings: Settings['telemetry']): void {
  if (!settings || started) return;
  started = true;
  // Loaded only when telemetry is on: the distro is large, and a cold start pays for each module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const distro = require('@azure/monitor-opentelemetry') as AzureMonitorDistro;
  distro.useAzureMonitor({
    azureMonitorExporterOptions: {
      connectionString: settings.connectionString,
      // With local authentication off, Application Insights takes the app's Entra identity.
      ...(settings.clientId ? { credential: createAzureCredential(settings.clientId) } : {}),
    },
    // The spans that tell a run's story are the app's own; a span per storage call would bury them.
    instrumentationOptions: { azureSdk: { enabled: false }, http: { enabled: false } },
    enableLiveMetrics: false,
  });
}

/** The W3C traceparent of the active span, to carry inside a queue message. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/**
 * Runs `work` in a span that continues the trace of `traceparent` (from a queue message or the
 * Functions host's trace context), recording a thrown error on it.
 */
export function inSpan<T>(
  name: string,
  kind: 'server' | 'consumer',
  traceparent: string | undefined,
  attributes: Attributes,
  work: () => Promise<T>,
): Promise<T> {
  const parent = traceparent
    ? propagation.extract(context.active(), { traceparent })
    : context.active();
  return tracer.startActiveSpan(
    name,
    { kind: kind === 'server' ? SpanKind.SERVER : SpanKind.CONSUMER, attributes },
    parent,
    async (span) => {
      try {
        return await work();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** An Iterable request that has ended: a client span under the active one, and its metrics. */
export function recordIterableRequest(event: {
  endpoint: string;
  status: number;
  durationMs: number;
  attempt: number;
}): void {
  const attributes = { endpoint: event.endpoint, status: event.status };
  const now = Date.now();
  const span = tracer.startSpan(`Iterable ${event.endpoint}`, {
    kind: SpanKind.CLIENT,
    startTime: now - event.durationMs,
    attributes: { ...attributes, attempt: event.attempt },
  });
  if (event.status === 0 || event.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(now);
  instruments.iterableLatency.record(event.durationMs, attributes);
  if (event.status === 429) instruments.throttled.add(1, { endpoint: event.endpoint });
  if (event.status === 0 || event.status >= 500)
    instruments.serverErrors.add(1, { endpoint: event.endpoint });
}

export function recordBatchDone(batch: { succeeded: number; rejected: number; kind: string }) {
  instruments.profilesSent.add(batch.succeeded, { kind: batch.kind });
  if (batch.rejected) instruments.rejections.add(batch.rejected, { source: 'iterable' });
}

export function recordSnapshotRejections(count: number) {
  if (count) instruments.rejections.add(count, { source: 'snapshot' });
}

export function recordRunFinished(run: { status: string; seconds: number }) {
  instruments.runDuration.record(run.seconds, { status: run.status });
}

/** Reports the depth of a queue with every metrics collection (the backlog of batches). */
export function observeQueueBacklog(queue: string, depth: () => Promise<number>): void {
  meter
    .createObservableGauge('queue.backlog', { description: 'Messages waiting in the queue' })
    .addCallback(async (result) => {
      result.observe(await depth(), { queue });
    });
}
