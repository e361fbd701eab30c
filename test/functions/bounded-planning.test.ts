import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';
import { settled } from '../support/run-status';

const tenant = `bounded-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };
/** Rows of each snapshot: 4 million by default; BOUNDED_PLANNING_ROWS sets fewer for a quick run. */
const rows = Number(process.env.BOUNDED_PLANNING_ROWS ?? 4_000_000);
const concurrentRuns = 5;

interface Run {
  status: string;
  error?: { code: string; message: string };
  counts: { total: number; added: number; removed: number };
  segments: { listId?: number }[];
}

/** Short addresses compress about 5:1, so the blob's size suggests a seventh of its rows. */
function shortAddresses(count: number): Buffer {
  const parts = ['email\n'];
  for (let start = 0; start < count; start += 100_000) {
    const end = Math.min(count, start + 100_000);
    parts.push(Array.from({ length: end - start }, (_, i) => `a${start + i}@x.io\n`).join(''));
  }
  return gzipSync(parts.join(''));
}

/**
 * Planning memory through the local host with the worker's heap capped at 1 GB, as on Azure:
 * snapshots whose gzip size understates their rows several times over, planned together (each
 * found larger than memory as it is read, so spilled and planned in steps), must each end with
 * exact counts and never take the worker down; a gzip bomb fails at once.
 */
describe('bounded planning', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let connectionId: string;
  const upload = async (name: string, content: Buffer) =>
    BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/${name}.csv.gz`)
      .upload(content, content.length);

  async function createExport(segment: string): Promise<string> {
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: { displayName: segment, connectionId, segments: [segment], emailField: 'email' },
    });
    expect(created.status).toBe(201);
    return String(created.json().id);
  }

  async function startRun(exportId: string, body: Record<string, unknown> = {}) {
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body });
    expect(started.status).toBe(202);
    return String(started.json().id);
  }

  async function ended(exportId: string, runId: string, waitMs: number): Promise<Run> {
    for (const deadline = Date.now() + waitMs; Date.now() < deadline;) {
      const response = await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin });
      const run = response.json() as unknown as Run;
      if (settled(run.status)) return run;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    throw new Error(`Run ${runId} did not end within ${waitMs / 1000} s`);
  }

  beforeAll(async () => {
    stack = await startAppStack({
      apiKeys: [key],
      env: { languageWorkers__node__arguments: '--max-old-space-size=1024' },
    });
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Bounded', apiKey: key, consent: { accepted: true } },
    });
    connectionId = String(connection.json().id);
  });
  afterAll(() => stack.stop());

  it(`plans ${concurrentRuns} dry runs of ${rows.toLocaleString('en-US')} short addresses at once under a 1 GB heap, each to exact counts`, async () => {
    const snapshot = shortAddresses(rows);
    // 4M rows make a 9.4 MB gzip, which a size-based guess (16 bytes a row) took for 590,000.
    expect(snapshot.length / 16).toBeLessThan(rows / 6);
    const names = Array.from({ length: concurrentRuns }, (_, index) => `Short${index}`);
    await Promise.all(names.map((name) => upload(name, snapshot)));
    const exportIds = await Promise.all(names.map(createExport));
    const runIds = await Promise.all(exportIds.map((id) => startRun(id, { dryRun: true })));
    const runs = await Promise.all(
      exportIds.map((exportId, index) => ended(exportId, runIds[index]!, 600_000)),
    );
    for (const run of runs) {
      expect(run).toMatchObject({ status: 'succeeded', counts: { total: rows, added: rows } });
    }
    expect(stack.host.output()).not.toContain('Language Worker Process exited');
  }, 660_000);

  it('fails a gzip bomb at SNAPSHOT_MAX_COMPRESSION_RATIO at once, removing no one', async () => {
    await upload(
      'Bomb',
      gzipSync(
        Buffer.from(`email\n${Array.from({ length: 100 }, (_, i) => `b${i}@x.io`).join('\n')}\n`),
      ),
    );
    const exportId = await createExport('Bomb');
    const first = await ended(exportId, await startRun(exportId), 60_000);
    expect(first).toMatchObject({ status: 'succeeded', counts: { total: 100 } });
    const listId = first.segments[0]!.listId!;
    // One address, then a note of 1 GB of one letter: about 1 MB of gzip.
    const bomb = gzipSync(
      Buffer.concat([Buffer.from('email,note\nb0@x.io,'), Buffer.alloc(1024 ** 3, 'a')]),
    );
    await upload('Bomb', bomb);
    const unsubscribed = stack.iterable.stats().unsubscribersReceived;
    const started = Date.now();
    const failed = await ended(exportId, await startRun(exportId), 60_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('SnapshotTooLarge');
    expect(failed.error?.message).toContain('the limit SNAPSHOT_MAX_COMPRESSION_RATIO is 100');
    expect(stack.iterable.stats().unsubscribersReceived).toBe(unsubscribed);
    const members =
      stack.iterable.inspect({ listId, users: false })[0]?.lists.find((list) => list.id === listId)
        ?.members ?? [];
    expect(members).toHaveLength(100);
  });
});
