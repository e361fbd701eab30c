import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';
import { settled } from '../support/run-status';

const tenant = `limits-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };

interface Run {
  status: string;
  error?: { code: string; message: string };
  counts: { total: number; removed: number };
  segments: { listId?: number }[];
}

const rowsOf = (count: number, extra = () => '') =>
  `email,note\n${Array.from({ length: count }, (_, i) => `m${i}@example.com,${extra()}`).join('\n')}\n`;

/**
 * The snapshot limits through the local host, lowered by settings: a mirror export whose list
 * holds 2,000 members gets a snapshot over a limit, and the run fails at once naming the limit
 * and its setting, with no one removed from the list.
 */
describe('snapshot limits', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let exportId: string;
  let listId: number;

  const upload = (content: Buffer) =>
    BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/Limited.csv.gz`)
      .upload(content, content.length);

  async function run(): Promise<Run> {
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body: {} });
    expect(started.status).toBe(202);
    const runId = String(started.json().id);
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      const current = (
        await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin })
      ).json() as unknown as Run;
      if (settled(current.status)) return current;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('The run did not end');
  }

  const members = () =>
    stack.iterable.inspect({ listId, users: false })[0]?.lists.find((list) => list.id === listId)
      ?.members ?? [];

  beforeAll(async () => {
    stack = await startAppStack({
      apiKeys: [key],
      env: { SNAPSHOT_MAX_ROWS: '3000', SNAPSHOT_MAX_INFLATED_BYTES: String(8 * 1024 * 1024) },
    });
    await upload(gzipSync(rowsOf(2_000)));
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Limits', apiKey: key, consent: { accepted: true } },
    });
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: 'Limited',
        connectionId: connection.json().id,
        segments: ['Limited'],
        emailField: 'email',
        dataFields: {},
      },
    });
    exportId = String(created.json().id);
    const first = await run();
    expect(first).toMatchObject({ status: 'succeeded', counts: { total: 2_000 } });
    listId = first.segments[0]!.listId!;
    expect(members()).toHaveLength(2_000);
  });
  afterAll(() => stack.stop());

  it('fails a run at SNAPSHOT_MAX_ROWS, removing no one', async () => {
    // 3,001 rows, of which 1,999 of the list's members are missing.
    await upload(gzipSync(rowsOf(3_001).replace(/m(\d+)@/g, 'n$1@')));
    const unsubscribed = stack.iterable.stats().unsubscribersReceived;
    const failed = await run();
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('SnapshotTooLarge');
    expect(failed.error?.message).toContain('Segment "Limited"');
    expect(failed.error?.message).toContain('the limit SNAPSHOT_MAX_ROWS is 3000');
    expect(stack.iterable.stats().unsubscribersReceived).toBe(unsubscribed);
    expect(members()).toHaveLength(2_000);
  });

  it('fails a run at SNAPSHOT_MAX_INFLATED_BYTES, removing no one', async () => {
    // 2,000 rows of 5 KB of random text: 10 MB inflated, compressed about 4:3 (under the ratio).
    const gzip = gzipSync(rowsOf(2_000, () => randomBytes(3_750).toString('base64')));
    expect(gzip.length).toBeGreaterThan(5 * 1024 * 1024);
    await upload(gzip);
    const unsubscribed = stack.iterable.stats().unsubscribersReceived;
    const failed = await run();
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('SnapshotTooLarge');
    expect(failed.error?.message).toContain('the limit SNAPSHOT_MAX_INFLATED_BYTES is 8388608');
    expect(stack.iterable.stats().unsubscribersReceived).toBe(unsubscribed);
    expect(members()).toHaveLength(2_000);
  });
});
