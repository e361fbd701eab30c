import {
  context,
  metrics,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type Tracer,
} from '@opentelemetry/api';
import { createAzureCredential } from './clients/azure-credential';
import { currentLogFields } from './log-context';
import type { Settings } from './settings';
import type * as AzureMonitor from '@azure/monitor-opentelemetry';

type AzureMonitorDistro = typeof AzureMonitor;

/**
 * OpenTelemetry traces and metrics, sent to Application Insights through Azure Monitor when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set; otherwise nothing is loaded or started, and every
 * function here returns at once. A run is one trace: the HTTP request (joined to the Functions
 * host's own trace), the planner and every batch, linked across the queues by a W3C `traceparent`
 * carried in each queue message, and every Iterable request under its batch or planner.
 *
 * Cost: one span and a few metric calls per batch and per Iterable request, never per profile.
 */

const scope = 'iterable-segment-export';

interface Instruments {
  profilesSent: Counter;
  rejections: Counter;
  iterableLatency: Histogram;
  throttled: Counter;
  serverErrors: Counter;
  runDuration: Histogram;
}

interface Telemetry {
  tracer: Tracer;
  instruments: Instruments;
  /** Queue name → how to read its depth, observed at each metrics collection. */
  backlogs: Map<string, () => Promise<number>>;
  shutdown: () => Promise<void>;
}

/** Set once the distro runs; undefined means telemetry is off. */
let telemetry: Telemetry | undefined;

/** Starts the Azure Monitor distro once per process, if the settings ask for telemetry. */
export function startTelemetry(settings: Settings['telemetry']): void {
  if (!settings || telemetry) return;
  // Loaded only when telemetry is on: the distro is large, and a cold start pays for each module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const distro = require('@azure/monitor-opentelemetry') as AzureMonitorDistro;
  distro.useAzureMonitor({
    azureMonitorExporterOptions: {
      connectionString: settings.connectionString,
      // With local authentication off, Application Insights takes the app's Entra identity.
      ...(settings.clientId ? { credential: createAzureCredential(settings.clientId) } : {}),
    },
    // Every span of a run is kept, so a run is always a whole trace: a run of a million profiles
    // is about two thousand spans. The distro's default (five traces a second) would keep a
    // random part of a run's batches. OTEL_TRACES_SAMPLER still overrides this (see
    // docs/operations.md); a fixed percentage keeps or drops whole runs, by trace id.
    samplingRatio: 1,
    tracesPerSecond: 0,
    // The spans that tell a run's story are the app's own; a span per storage call would bury
    // them. No module is instrumented, so this need not run before the SDKs are loaded.
    instrumentationOptions: {
      azureSdk: { enabled: false },
      http: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
    },
    enableLiveMetrics: false,
  });
  // Only now: useAzureMonitor replaces the API's global providers (it even clears the API's
  // global state), so a tracer or meter taken before this line would stay a no-op for good.
  const meter = metrics.getMeter(scope);
  const backlogs = new Map<string, () => Promise<number>>();
  observeBacklogs(meter, backlogs);
  telemetry = {
    tracer: trace.getTracer(scope),
    instruments: createInstruments(meter),
    backlogs,
    shutdown: distro.shutdownAzureMonitor,
  };
}

/**
 * Sends what is still buffered (spans are batched for a few seconds, metrics for a minute) and
 * stops, for the host's appTerminate: an instance that scales in would otherwise lose them.
 */
export async function stopTelemetry(): Promise<void> {
  const running = telemetry;
  telemetry = undefined;
  await running?.shutdown();
}

function createInstruments(meter: Meter): Instruments {
  return {
    profilesSent: meter.createCounter('export.profiles_sent', {
      description: 'Members Iterable confirmed (subscribed or unsubscribed)',
    }),
    rejections: meter.createCounter('export.rejections', {
      description: 'Members refused by Iterable or rejected while reading the snapshot',
    }),
    iterableLatency: meter.createHistogram('iterable.request.duration', {
      description: 'Iterable request latency, one value per HTTP request (retries included)',
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
}

function observeBacklogs(meter: Meter, backlogs: Map<string, () => Promise<number>>): void {
  meter
    .createObservableGauge('queue.backlog', { description: 'Messages waiting in the queue' })
    .addCallback(async (result) => {
      for (const [queue, depth] of backlogs) {
        // A storage hiccup skips one observation; it must not fail the whole collection.
        const value = await depth().catch(() => undefined);
        if (value !== undefined) result.observe(value, { queue });
      }
    });
}

/** The W3C traceparent of the active span, to carry inside a queue message. */
export function currentTraceparent(): string | undefined {
  if (!telemetry) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

export interface SpanOptions<T> {
  /** The W3C trace context to continue: a queue message's, or the Functions host's. */
  traceparent: string | null | undefined;
  attributes: Attributes;
  /** Attributes known once the work is done, such as an HTTP status. */
  resultAttributes?: (result: T) => Attributes;
}

/**
 * Runs `work` in a span that continues the trace of `traceparent`, recording a thrown error on
 * it. The span is internal: Application Insights keeps it in `dependencies` (type InProc), since
 * the Functions host already writes the invocation's one `requests` item, which the span names
 * by its InvocationId.
 */
export function inSpan<T>(
  name: string,
  options: SpanOptions<T>,
  work: () => Promise<T>,
): Promise<T> {
  if (!telemetry) return work();
  const { traceparent, resultAttributes } = options;
  const parent = traceparent
    ? propagation.extract(context.active(), { traceparent })
    : context.active();
  const { invocationId } = currentLogFields();
  const attributes: Attributes = {
    ...options.attributes,
    // The Functions host's own request and log items of this invocation carry the same
    // customDimensions.InvocationId: the key that joins a run's trace to them.
    ...(invocationId ? { InvocationId: invocationId } : {}),
  };
  return telemetry.tracer.startActiveSpan(
    name,
    { kind: SpanKind.INTERNAL, attributes },
    parent,
    async (span) => {
      try {
        const result = await work();
        if (resultAttributes) span.setAttributes(resultAttributes(result));
        return result;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** One request to Iterable, once answered (or not); it never holds the key. */
export interface IterableRequestEvent {
  /** `POST /api/lists/subscribe`, with ids as `{listId}`. */
  endpoint: string;
  /** The HTTP status, or 0 when no answer came. */
  status: number;
  durationMs: number;
  /** 1 for the first try of a call. */
  attempt: number;
}

/** An Iterable request that has ended: a client span under the active one, and its metrics. */
export function recordIterableRequest(event: IterableRequestEvent): void {
  if (!telemetry) return;
  const { tracer, instruments } = telemetry;
  const attributes = { endpoint: event.endpoint, status: event.status };
  const now = Date.now();
  const span = tracer.startSpan(`Iterable ${event.endpoint}`, {
    kind: SpanKind.CLIENT,
    startTime: now - event.durationMs,
    attributes: {
      endpoint: event.endpoint,
      attempt: event.attempt,
      // HTTP conventions, so Application Insights shows an HTTP dependency with its result code.
      'peer.service': 'Iterable',
      'http.request.method': event.endpoint.split(' ')[0] ?? '',
      ...(event.status ? { 'http.response.status_code': event.status } : {}),
    },
  });
  if (event.status === 0 || event.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(now);
  instruments.iterableLatency.record(event.durationMs, attributes);
  if (event.status === 429) instruments.throttled.add(1, { endpoint: event.endpoint });
  if (event.status === 0 || event.status >= 500)
    instruments.serverErrors.add(1, { endpoint: event.endpoint });
}

/** A batch whose result is recorded: its counts on the batch's span, and the profile metrics. */
export function recordBatchDone(batch: {
  succeeded: number;
  rejected: number;
  failed: number;
  kind: string;
}): void {
  if (!telemetry) return;
  const { succeeded, rejected, failed, kind } = batch;
  trace.getActiveSpan()?.setAttributes({ succeeded, rejected, failed });
  if (succeeded) telemetry.instruments.profilesSent.add(succeeded, { kind });
  if (rejected) telemetry.instruments.rejections.add(rejected, { source: 'iterable' });
}

/** Snapshot rows the planner rejected (invalid or duplicate e-mail addresses). */
export function recordSnapshotRejections(count: number): void {
  if (!telemetry || !count) return;
  telemetry.instruments.rejections.add(count, { source: 'snapshot' });
}

/**
 * The times of a run (shared/runs' Run has them): spelled out here, because the ground floor
 * knows no feature's types.
 */
interface RunTimes {
  status: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** A run that has ended, whichever way: from its start (or its creation, if never started). */
export function recordRunFinished(run: RunTimes): void {
  if (!telemetry || !run.finishedAt) return;
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt ?? run.createdAt)) / 1000;
  telemetry.instruments.runDuration.record(seconds, { status: run.status });
}

/** Reports the depth of a queue with every metrics collection (the pipeline's backlog). */
export function observeQueueBacklog(queue: string, depth: () => Promise<number>): void {
  telemetry?.backlogs.set(queue, depth);
}
