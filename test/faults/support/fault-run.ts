import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { segmentStream } from '../../../bench/segment-generator';
import type { FaultStack } from './fault-stack';

/** A generated segment and what its list must hold once exported. */
export interface Segment {
  name: string;
  /** Valid e-mails, lower-cased and de-duplicated: exactly the list's members after a run. */
  expected: Set<string>;
  /** Rows whose e-mail is invalid: the run's rejections. */
  invalid: number;
}

export interface Run {
  id: string;
  status: string;
  batchCount?: number;
  counts: Record<string, number>;
  segments: { listId?: number }[];
  error?: { code: string; message: string };
}

const activeStatuses = ['queued', 'planning', 'running'];

/**
 * What the list must hold, read from the generator's own rows: the first column, lower-cased;
 * the generator's invalid addresses are the ones without an "@". Worked out here, not by the
 * product's code, so a product bug cannot hide in its own expectation.
 */
async function expectedMembers(size: number, seed: number) {
  const expected = new Set<string>();
  let invalid = 0;
  let header = true;
  let rest = '';
  for await (const chunk of segmentStream({ size, seed }) as AsyncIterable<Buffer | string>) {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (header) {
        header = false;
        continue;
      }
      const email = line.slice(0, line.indexOf(',')).toLowerCase();
      if (email.includes('@')) expected.add(email);
      else invalid++;
    }
  }
  return { expected, invalid };
}

/** The bench's seeded segment (nine columns, a few invalid and repeated e-mails) in storage. */
export async function writeSegment(
  stack: FaultStack,
  tenantId: string,
  size: number,
  seed: number,
): Promise<Segment> {
  const name = `Faults ${size} ${seed}`;
  await BlobServiceClient.fromConnectionString(stack.storage)
    .getContainerClient('segments')
    .getBlockBlobClient(`${tenantId}/${name}.csv`)
    .uploadStream(segmentStream({ size, seed }), 4 * 1024 * 1024, 4);
  return { name, ...(await expectedMembers(size, seed)) };
}

/**
 * The app's API as an Admin of one tenant. A call made while the host is down (killed, or
 * starting again) is retried until the host answers, as a client polling a run would.
 */
export class ExportApi {
  constructor(
    private readonly stack: FaultStack,
    private readonly tenantId: string,
  ) {}

  async call(method: string, route: string, body?: unknown): Promise<Record<string, unknown>> {
    const token = await this.stack.token(this.tenantId);
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${this.stack.host.url}/api/${route}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        if (attempt >= 60) throw error;
        await sleep(500);
        continue;
      }
      const json = (await response.json()) as Record<string, unknown>;
      if (!response.ok) {
        throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
      }
      return json;
    }
  }

  /** A connection to the stand-in and an export of the segment into a list of its name. */
  async createExport(apiKey: string, segment: Segment): Promise<string> {
    const connection = await this.call('POST', 'connections', {
      displayName: `Faults ${randomBytes(3).toString('hex')}`,
      apiKey,
      consent: { accepted: true },
    });
    const created = await this.call('POST', 'exports', {
      displayName: segment.name,
      connectionId: connection.id,
      segments: [segment.name],
      emailField: 'email',
      dataFields: { firstName: 'first_name', lastName: 'last_name', city: 'city', plan: 'plan' },
    });
    return String(created.id);
  }

  async startRun(exportId: string): Promise<string> {
    const run = await this.call('POST', `exports/${exportId}/runs`, {});
    return String(run.id);
  }

  async run(exportId: string, runId: string): Promise<Run> {
    return (await this.call('GET', `exports/${exportId}/runs/${runId}`)) as unknown as Run;
  }

  /** Polls the run until it ends; throws if it is still active at the deadline. */
  async runToEnd(exportId: string, runId: string, timeoutMs: number): Promise<Run> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await this.run(exportId, runId);
      if (!activeStatuses.includes(run.status)) return run;
      if (Date.now() > deadline) {
        throw new Error(`The run is still ${run.status} after ${timeoutMs / 1000} s`);
      }
      await sleep(500);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every 50 ms until it holds; throws with `what` after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(50);
  }
}
