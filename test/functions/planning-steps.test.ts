import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';
import { settled } from '../support/run-status';

const tenant = `steps-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };

interface Run {
  status: string;
  error?: { code: string; message: string };
  counts: { total: number; added: number; removed: number; failed: number };
  segments: { listId?: number }[];
}

const emails = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, index) => `m${from + index}@example.com`);

/**
 * Plans larger than memory through the packaged app on two local hosts: with the in-memory limit
 * at 1,000 members, a 6,000-member segment is spilled to the work container and planned in steps
 * (queue messages any host may take), and every run ends with the list exact.
 */
describe('planning in steps', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let exportId: string;

  const upload = async (lines: string[]) => {
    const body = Buffer.from(['email', ...lines].join('\n'));
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/Big.csv`)
      .upload(body, body.length);
  };

  /** Copies of snapshots left in the work container's plan folders. */
  const snapshotCopies = async () => {
    const names: string[] = [];
    const work = BlobServiceClient.fromConnectionString(stack.storage).getContainerClient(
      'export-batches',
    );
    for await (const blob of work.listBlobsFlat({ prefix: `${tenant}/` }))
      if (/\/plan\/\d+\/snapshot/.test(blob.name)) names.push(blob.name);
    return names;
  };

  async function run(body: Record<string, unknown> = {}): Promise<Run> {
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body });
    expect(started.status).toBe(202);
    const runId = String(started.json().id);
    for (const deadline = Date.now() + 90_000; Date.now() < deadline;) {
      const response = await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin });
      const current = response.json() as unknown as Run;
      if (settled(current.status)) return current;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`Run ${runId} did not end`);
  }

  const members = (listId: number) =>
    (
      stack.iterable.inspect({ listId, users: false })[0]?.lists.find((list) => list.id === listId)
        ?.members ?? []
    ).sort();
  const output = () => stack.hosts.map((host) => host.output()).join('\n');

  beforeAll(async () => {
    stack = await startAppStack({
      apiKeys: [key],
      instances: 2,
      env: { PLANNING_MEMBERS_IN_MEMORY: '1000' },
    });
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Steps', apiKey: key, consent: { accepted: true } },
    });
    await upload(emails(0, 6000));
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: 'Big',
        connectionId: String(connection.json().id),
        segments: ['Big'],
        emailField: 'email',
        syncMode: 'mirror',
      },
    });
    expect(created.status).toBe(201);
    exportId = String(created.json().id);
  });
  afterAll(() => stack.stop());

  it('plans a segment larger than memory in steps and the list ends exact, run after run', async () => {
    const first = await run();
    expect(first).toMatchObject({
      status: 'succeeded',
      counts: { total: 6000, added: 6000, removed: 0, failed: 0 },
    });
    const listId = first.segments[0]!.listId!;
    expect(members(listId)).toEqual(emails(0, 6000).sort());
    expect(output()).toContain('Run planning continues in steps');
    // The plan read its own copy of the snapshot, and the copy went once it was read.
    expect(output()).toContain('Snapshot copied for the plan');
    expect(await snapshotCopies()).toEqual([]);
    const steps = output().match(/Plan step finished/g) ?? [];
    expect(steps.length).toBeGreaterThan(2);

    // 300 leave, 300 join: the removals are held until the whole plan is known, then sent.
    await upload(emails(300, 6300));
    const second = await run();
    expect(second).toMatchObject({
      status: 'succeeded',
      counts: { total: 6000, added: 300, removed: 300, failed: 0 },
    });
    expect(members(listId)).toEqual(emails(300, 6300).sort());

    // A dry run plans in steps too, and changes nothing.
    await upload(emails(0, 100));
    const dry = await run({ dryRun: true });
    expect(dry).toMatchObject({
      status: 'succeeded',
      counts: { total: 100, added: 100, removed: 6000 },
    });
    expect(members(listId)).toEqual(emails(300, 6300).sort());
  }, 240_000);
});
