import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { createTableClient } from '../../shared/clients/storage';
import { createRunStarter } from '../../shared/runs/run-start';
import { RunStore } from '../../shared/runs/run-store';
import { newRunId } from '../../shared/runs/run-id';
import { emptyCounts, runMessageText, type Run } from '../../shared/runs/run-schemas';
import { defaultFairUseLimits } from '../../shared/settings';
import { queueNames, tableNames } from '../../shared/storage-layout';
import type { AppStack } from './app-stack';
import { fireRefreshTimer } from './refresh-timer';

export interface RunView {
  id: string;
  status: string;
  trigger: string;
  error?: { code: string; message: string };
  skipReason?: { code: string; message: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Connections, exports and runs of one tenant through the API of a running stack, for the kill
 * switch tests: every segment is its own list, so each export owns the lists it writes.
 */
export class KillSwitchWorld {
  readonly tenant = `kill-${randomBytes(4).toString('hex')}`;
  readonly admin = { roles: ['Admin'], tid: this.tenant };
  #segments = 0;

  constructor(
    private readonly stack: AppStack,
    private readonly apiKey: string,
  ) {}

  call(method: string, route: string, body?: unknown, as: object = this.admin) {
    return this.stack.call(method, route, { as, ...(body === undefined ? {} : { body }) });
  }

  /** A connection whose request-rate cap keeps a run of `members` sending for a while. */
  async connection(requestsPerSecond = 2): Promise<{ id: string; displayName: string }> {
    const displayName = `Kill switch ${randomBytes(3).toString('hex')}`;
    const response = await this.call('POST', 'connections', {
      displayName,
      apiKey: this.apiKey,
      consent: { accepted: true },
      requestsPerSecond,
    });
    if (response.status !== 201) throw new Error(`connection: ${response.text}`);
    return { id: String(response.json().id), displayName };
  }

  /** An export of a new segment of `members` members (a batch per thousand). */
  async export(connectionId: string, members = 200, schedule?: object): Promise<string> {
    return (await this.exportOf(connectionId, members, schedule)).id;
  }

  async exportOf(
    connectionId: string,
    members = 200,
    schedule?: object,
  ): Promise<{ id: string; segment: string }> {
    const segment = `Segment${++this.#segments}`;
    const csv = `email\n${Array.from({ length: members }, (_, i) => `m${i}@${segment}.example.com`).join('\n')}\n`;
    await BlobServiceClient.fromConnectionString(this.stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${this.tenant}/${segment}.csv`)
      .upload(csv, Buffer.byteLength(csv));
    const response = await this.call('POST', 'exports', {
      displayName: segment,
      connectionId,
      segments: [segment],
      emailField: 'email',
      ...(schedule ? { schedule } : {}),
    });
    if (response.status !== 201) throw new Error(`export: ${response.text}`);
    return { id: String(response.json().id), segment };
  }

  async runs(exportId: string): Promise<RunView[]> {
    return (await this.call('GET', `exports/${exportId}/runs`)).json().value as RunView[];
  }

  async run(exportId: string, runId: string): Promise<RunView> {
    return (
      await this.call('GET', `exports/${exportId}/runs/${runId}`)
    ).json() as unknown as RunView;
  }

  /** Requests a run and waits until Iterable has received some of its members. */
  async sendingRun(exportId: string): Promise<string> {
    const before = this.stack.iterable.stats().subscribersReceived;
    const started = await this.call('POST', `exports/${exportId}/runs`, {});
    if (started.status !== 202) throw new Error(`run: ${started.text}`);
    await this.until(() => this.stack.iterable.stats().subscribersReceived > before, 'sending');
    return String(started.json().id);
  }

  /** Fires the refresh timer through the host's admin API and waits for the pass to end. */
  fireTimer(): Promise<void> {
    return fireRefreshTimer(this.stack);
  }

  /**
   * A run written and queued as a request does it, but without the request's connection check:
   * a run that was queued just before its connection was switched off. Its message becomes
   * visible after `delaySeconds`, so the planner meets it only then.
   */
  async queueRunAsIfBefore(
    target: { exportId: string; connectionId: string; segment: string },
    delaySeconds: number,
  ): Promise<string> {
    const location = { kind: 'connectionString' as const, connectionString: this.stack.storage };
    const table = createTableClient(location, tableNames.runs);
    const store = new RunStore(table);
    // One clock reading for both: the run's row key is built from its createdAt, and it is read
    // back by the time in its id.
    const now = Date.now();
    const run: Run = {
      id: newRunId(now),
      exportId: target.exportId,
      trigger: 'manual',
      mode: 'delta',
      dryRun: false,
      status: 'queued',
      counts: emptyCounts(),
      percentComplete: 0,
      segments: [{ name: target.segment, counts: emptyCounts() }],
      createdAt: new Date(now).toISOString(),
    };
    const starter = createRunStarter(store, table, defaultFairUseLimits);
    const outcome = await starter.tryStart(this.tenant, run, target.connectionId);
    if (outcome !== 'started') throw new Error(`run not started: ${String(outcome)}`);
    const message = { tenantId: this.tenant, exportId: target.exportId, runId: run.id };
    await new QueueClient(this.stack.storage, queueNames.exportRunsOnDemand).sendMessage(
      runMessageText(message),
      { visibilityTimeout: delaySeconds },
    );
    return run.id;
  }

  async audit(): Promise<
    { action: string; resourceId: string; changes: Record<string, unknown> }[]
  > {
    const response = await this.call('GET', 'audit?top=100');
    return response.json().value as {
      action: string;
      resourceId: string;
      changes: Record<string, unknown>;
    }[];
  }

  async until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await sleep(100);
    }
  }
}

export { sleep };
