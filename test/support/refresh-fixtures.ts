import { BlobServiceClient } from '@azure/storage-blob';
import type { AppStack } from './app-stack';
import { settled } from './run-status';

export interface RunView {
  id: string;
  trigger: string;
  slot?: string;
  status: string;
  counts: Record<string, number>;
  segments: { name: string; listId?: number; snapshotEtag?: string }[];
  skipReason?: { code: string; message: string };
  error?: { code: string; message: string };
}

export interface RefreshOutcomeView {
  exportId: string;
  outcome: string;
  repeated: boolean;
  runId?: string;
  location?: string;
  status?: string;
  skipReason?: { code: string; message: string };
}

export type Caller = { roles: string[]; tid: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tenant fixtures made through the API, as an admin would, plus snapshots as the platform writes them. */
export class RefreshFixtures {
  constructor(
    private readonly stack: AppStack,
    readonly admin: Caller,
  ) {}

  get tenant(): string {
    return this.admin.tid;
  }

  /** Writes (or rewrites) the segment's snapshot; returns its ETag. */
  async writeSegment(name: string, emails: string[]): Promise<string> {
    const csv = `email\n${emails.join('\n')}\n`;
    const blob = BlobServiceClient.fromConnectionString(this.stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${this.tenant}/${name}.csv`);
    const uploaded = await blob.upload(csv, Buffer.byteLength(csv));
    return uploaded.etag ?? '';
  }

  async connection(apiKey: string, displayName = `Connection ${this.tenant}`): Promise<string> {
    const response = await this.stack.call('POST', 'connections', {
      as: this.admin,
      body: { displayName, apiKey, consent: { accepted: true } },
    });
    if (response.status !== 201) throw new Error(`connection: ${response.text}`);
    return response.json().id as string;
  }

  async export(
    connectionId: string,
    segment: string,
    schedule: Record<string, string> = { mode: 'refresh' },
  ): Promise<{ id: string; updatedAt: string }> {
    const response = await this.stack.call('POST', 'exports', {
      as: this.admin,
      body: {
        displayName: segment,
        connectionId,
        segments: [segment],
        emailField: 'email',
        schedule,
      },
    });
    if (response.status !== 201) throw new Error(`export: ${response.text}`);
    return response.json() as { id: string; updatedAt: string };
  }

  async refresh(body: unknown, as: Caller = this.admin) {
    return this.stack.call('POST', 'refreshes', { as, body });
  }

  async runs(exportId: string): Promise<RunView[]> {
    const response = await this.stack.call('GET', `exports/${exportId}/runs`, { as: this.admin });
    return response.json().value as RunView[];
  }

  /** Waits until the run has ended (or waits for a person) and returns it. */
  async settledRun(exportId: string, runId: string): Promise<RunView> {
    for (let attempt = 0; attempt < 600; attempt++) {
      const response = await this.stack.call('GET', `exports/${exportId}/runs/${runId}`, {
        as: this.admin,
      });
      const run = response.json() as unknown as RunView;
      if (settled(run.status)) return run;
      await sleep(100);
    }
    throw new Error(`run ${runId} did not settle`);
  }

  listMembers(listId: number): string[] | undefined {
    const [project] = this.stack.iterable.inspect({ listId, users: false });
    return project?.lists.find((list) => list.id === listId)?.members;
  }
}

/** A refresh time a little in the past, unique per call: each names a refresh of its own. */
let refreshes = 0;
export function refreshTime(): string {
  refreshes++;
  return new Date(Date.now() - 60_000 + refreshes * 10).toISOString();
}
