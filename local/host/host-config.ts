import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** The parts of host.json the local host honours, with the real host's defaults. */
export interface HostConfig {
  routePrefix: string;
  queues: QueueOptions;
  /** How long an invocation may run before the worker running it is restarted; null: no limit. */
  functionTimeoutMs: number | null;
  singleton: SingletonOptions;
}

/** host.json `singleton`: the blob lease that lets one instance of the app run each timer. */
export interface SingletonOptions {
  /** The lease a listener lock takes, renewed halfway through (15 to 60 s, a blob lease's range). */
  listenerLockPeriodMs: number;
  /** How often an instance without the lock tries to take it. */
  listenerLockRecoveryPollingIntervalMs: number;
}

export interface QueueOptions {
  batchSize: number;
  newBatchThreshold: number;
  maxPollingIntervalMs: number;
  visibilityTimeoutMs: number;
  maxDequeueCount: number;
  messageEncoding: 'base64' | 'none';
}

/** host.json TimeSpans: "hh:mm:ss", "d.hh:mm:ss" or with fractional seconds. */
export function parseTimeSpan(value: string): number {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(value.trim());
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match ?? [];
  // .NET refuses "00:60:00" rather than reading it as an hour, and so does the local host.
  if (!match || Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) >= 60) {
    throw new Error(`"${value}" is not a TimeSpan such as "00:00:30"`);
  }
  return Math.round(
    (((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000,
  );
}

/** A TimeSpan as .NET writes it ("00:00:05", "1.02:00:00", "00:00:01.5000000"), for log lines. */
export function formatTimeSpan(ms: number): string {
  const ticks = Math.round(ms * 10_000); // .NET counts in ticks of 100 ns
  const totalSeconds = Math.floor(ticks / 10_000_000);
  const fraction = ticks % 10_000_000;
  const days = Math.floor(totalSeconds / 86_400);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = [
    pad(Math.floor(totalSeconds / 3600) % 24),
    pad(Math.floor(totalSeconds / 60) % 60),
    pad(totalSeconds % 60),
  ].join(':');
  return `${days > 0 ? `${days}.` : ''}${clock}${fraction > 0 ? `.${String(fraction).padStart(7, '0')}` : ''}`;
}

/** Flex Consumption's default functionTimeout (the "Function app timeout duration" table). */
export const flexDefaultFunctionTimeoutMs = 30 * 60_000;
/** The host refuses a shorter functionTimeout on every plan (ScriptJobHostOptionsSetup). */
const minFunctionTimeoutMs = 1000;

/**
 * host.json `functionTimeout` as Flex Consumption reads it: a TimeSpan of at least one second
 * with no maximum, or -1 for no limit at all (null). Consumption's ten-minute cap does not apply
 * on Flex.
 */
export function parseFunctionTimeout(value: string): number | null {
  const text = value.trim();
  if (text === '-1') return null;
  let ms: number;
  try {
    ms = parseTimeSpan(text);
  } catch {
    throw new Error(`"${value}" is not a TimeSpan such as "00:10:00" (or -1 for no limit)`);
  }
  if (ms < minFunctionTimeoutMs) {
    throw new Error(`"${value}" is shorter than the least the host accepts, 00:00:01`);
  }
  return ms;
}

const timeSpan = z.string().transform((value, ctx) => {
  try {
    return parseTimeSpan(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const HostJsonSchema = z.object({
  version: z.literal('2.0'),
  // A number when an app setting gave it ("-1" reads as a number, as in the host's binder).
  functionTimeout: z
    .union([z.string(), z.number()])
    .transform((value, ctx) => {
      try {
        return parseFunctionTimeout(String(value));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  extensions: z
    .object({
      http: z.object({ routePrefix: z.string().optional() }).loose().optional(),
      queues: z
        .object({
          batchSize: z.number().int().min(1).max(32).optional(),
          newBatchThreshold: z.number().int().min(0).optional(),
          maxPollingInterval: timeSpan.optional(),
          visibilityTimeout: timeSpan.optional(),
          maxDequeueCount: z.number().int().min(1).optional(),
          messageEncoding: z.enum(['base64', 'none']).optional(),
        })
        .loose()
        .optional(),
    })
    .loose()
    .optional(),
  singleton: z
    .object({
      listenerLockPeriod: timeSpan
        .refine((ms) => ms >= 15_000 && ms <= 60_000, 'must be between 00:00:15 and 00:01:00')
        .optional(),
      listenerLockRecoveryPollingInterval: timeSpan
        .refine((ms) => ms >= 1000, 'must be at least 00:00:01')
        .optional(),
    })
    .loose()
    .optional(),
});

const overridePrefix = 'azurefunctionsjobhost__';
/** host.json's spelling of the keys the local host reads, for settings spelt otherwise. */
const knownKeys = [
  'functionTimeout',
  'extensions',
  'http',
  'routePrefix',
  'queues',
  'batchSize',
  'newBatchThreshold',
  'maxPollingInterval',
  'visibilityTimeout',
  'maxDequeueCount',
  'messageEncoding',
  'singleton',
  'listenerLockPeriod',
  'listenerLockRecoveryPollingInterval',
];

/**
 * App settings named `AzureFunctionsJobHost__<path>` override host.json, as in Azure (for example
 * `AzureFunctionsJobHost__extensions__queues__maxDequeueCount=2`). Keys match case-insensitively;
 * numbers and booleans are read from their text, as the host's configuration binder does.
 */
function applyOverrides(json: unknown, env: Record<string, string | undefined>): unknown {
  const root = (json ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.toLowerCase().startsWith(overridePrefix)) continue;
    const keys = name.slice(overridePrefix.length).split('__');
    let node = root;
    keys.forEach((key, index) => {
      const existing = Object.keys(node).find(
        (candidate) => candidate.toLowerCase() === key.toLowerCase(),
      );
      const known = knownKeys.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
      const property = existing ?? known ?? key;
      if (index === keys.length - 1) {
        node[property] = /^-?\d+(\.\d+)?$/.test(value)
          ? Number(value)
          : /^(true|false)$/i.test(value)
            ? value.toLowerCase() === 'true'
            : value;
        return;
      }
      const child = node[property];
      node = (node[property] = child !== null && typeof child === 'object' ? child : {}) as Record<
        string,
        unknown
      >;
    });
  }
  return root;
}

export function readHostConfig(
  scriptRoot: string,
  env: Record<string, string | undefined> = {},
): HostConfig {
  const file = path.join(scriptRoot, 'host.json');
  const json = applyOverrides(JSON.parse(readFileSync(file, 'utf8')), env);
  const parsed = HostJsonSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`host.json: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const queues = parsed.data.extensions?.queues ?? {};
  const batchSize = queues.batchSize ?? 16;
  const singleton = parsed.data.singleton ?? {};
  return {
    // The real host's defaults (SingletonOptions): a one-minute lease, retried every minute.
    singleton: {
      listenerLockPeriodMs: singleton.listenerLockPeriod ?? 60_000,
      listenerLockRecoveryPollingIntervalMs:
        singleton.listenerLockRecoveryPollingInterval ?? 60_000,
    },
    functionTimeoutMs:
      parsed.data.functionTimeout === undefined
        ? flexDefaultFunctionTimeoutMs
        : parsed.data.functionTimeout,
    // An empty routePrefix is allowed and means routes sit at the root.
    routePrefix: (parsed.data.extensions?.http?.routePrefix ?? 'api').replace(/^\/+|\/+$/g, ''),
    queues: {
      batchSize,
      // The real host's default: half a batch per processor (QueuesOptions.cs).
      newBatchThreshold: queues.newBatchThreshold ?? Math.floor(batchSize / 2) * os.cpus().length,
      // 1 minute in production; the host uses 2 s in Development, which a local host always is.
      maxPollingIntervalMs: queues.maxPollingInterval ?? 2000,
      visibilityTimeoutMs: queues.visibilityTimeout ?? 0,
      maxDequeueCount: queues.maxDequeueCount ?? 5,
      messageEncoding: queues.messageEncoding ?? 'base64',
    },
  };
}
