import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** The parts of host.json the local host honours, with the real host's defaults. */
export interface HostConfig {
  routePrefix: string;
  queues: QueueOptions;
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
  if (!match) throw new Error(`"${value}" is not a TimeSpan such as "00:00:30"`);
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return Math.round(
    (((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000,
  );
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
});

const overridePrefix = 'azurefunctionsjobhost__';
/** host.json's spelling of the keys the local host reads, for settings spelt otherwise. */
const knownKeys = [
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
  return {
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
