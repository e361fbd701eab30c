import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { BlobServiceClient } from '@azure/storage-blob';
import { startIterableStandIn, type IterableStandIn } from '../local/iterable/server';
import { startLocalStack, type LocalStack } from '../local/local-stack';
import { segmentsContainerName } from '../shared/storage-layout';
import { startRequestClock, type RequestClock } from './request-clock';

/**
 * One flow-control row's own local stack: its Iterable stand-in, limited per key as strictly as
 * a per-second limit can be, behind the request clock, and `instances` Functions hosts on one
 * storage account. Every tenant of the row has its own Iterable key.
 */

/** The stand-in's limit: at most this many requests per key in any one-second window. */
export const standInLimit = 10;

export type TenantCall = (
  method: string,
  route: string,
  body?: unknown,
) => Promise<Record<string, unknown>>;

export interface Tenant {
  id: string;
  /** The Iterable key's label in the request clock's notes (the key itself is never noted). */
  key: string;
  call: TenantCall;
  /** Uploads a segment of `members` distinct e-mails and creates its connection and export. */
  exportOf(name: string, members: number, requestsPerSecond?: number): Promise<string>;
}

export interface FlowStack {
  iterable: IterableStandIn;
  clock: RequestClock;
  stack: LocalStack;
  tenants: Tenant[];
  logFile: string;
  stop(): Promise<void>;
}

export async function startFlowStack(
  row: string,
  instances: number,
  tenantCount: number,
): Promise<FlowStack> {
  const keys = Array.from({ length: tenantCount }, () => randomBytes(16).toString('hex'));
  const labels = new Map(keys.map((key, index) => [key, `tenant ${index + 1}`]));
  const iterable = await startIterableStandIn({
    apiKeys: keys,
    rateLimitPerSecond: standInLimit,
    rateLimitMode: 'slidingWindow',
  });
  const clock = await startRequestClock(iterable.url, labels);
  const logFile = path.join(os.tmpdir(), `iterable-segment-export-flow-${row}-${process.pid}.log`);
  const hostLog = createWriteStream(logFile);
  const stack = await startLocalStack(
    {
      ...process.env,
      AZURITE_PORTS: '0,0,0',
      KEY_VAULT_STANDIN_PORT: '0',
      DEV_ISSUER_PORT: '0',
      PORT: '0',
      ITERABLE_BASE_URL: clock.url,
    },
    (line, instance) => hostLog.write(`[host ${instance}] ${line}\n`),
    { instances },
  ).catch(async (error: unknown) => {
    await clock.close();
    await iterable.close();
    throw error;
  });
  const tenants = await Promise.all(
    keys.map((key) => tenantOf(stack, key, labels.get(key) ?? 'unknown')),
  );
  return {
    iterable,
    clock,
    stack,
    tenants,
    logFile,
    stop: async () => {
      await stack.stop();
      await clock.close();
      await iterable.close();
      hostLog.end();
    },
  };
}

async function tenantOf(stack: LocalStack, apiKey: string, key: string): Promise<Tenant> {
  const id = `bench-${randomBytes(4).toString('hex')}`;
  const token = await stack.mint!({ roles: ['Admin'], tid: id });
  const call: TenantCall = async (method, route, body) => {
    const response = await fetch(`${stack.url}/api/${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok)
      throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const exportOf = async (name: string, members: number, requestsPerSecond?: number) => {
    await BlobServiceClient.fromConnectionString(stack.env.AzureWebJobsStorage ?? '')
      .getContainerClient(segmentsContainerName)
      .getBlockBlobClient(`${id}/${name}.csv`)
      .uploadStream(emailsCsv(name, members), 4 * 1024 * 1024, 4);
    const connection = await call('POST', 'connections', {
      displayName: name,
      apiKey,
      consent: { accepted: true },
      ...(requestsPerSecond === undefined ? {} : { requestsPerSecond }),
    });
    const created = await call('POST', 'exports', {
      displayName: name,
      connectionId: connection.id,
      segments: [name],
      emailField: 'email',
    });
    return String(created.id);
  };
  return { id, key, call, exportOf };
}

/** A segment of `members` distinct, valid e-mails: exactly one batch per 1,000 members. */
function emailsCsv(name: string, members: number): Readable {
  const prefix = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  let next = 0;
  return new Readable({
    read() {
      const rows = next === 0 ? ['email'] : [];
      for (let count = 0; count < 10_000 && next < members; count++, next++) {
        rows.push(`${prefix}.${next}@example.com`);
      }
      this.push(rows.length ? `${rows.join('\n')}\n` : null);
    },
  });
}
