import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';
import { settled } from '../support/run-status';

const tenant = `evidence-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };

interface Run {
  id: string;
  status: string;
  counts: { added: number; updated: number; removed: number; rejected: number };
  segments: { listId?: number }[];
  error?: { code: string; message: string };
  warnings?: { code: string; segment: string; message: string; lines: number[] }[];
  confirmation?: { segments: { name: string; recentLargestSize?: number; percent: number }[] };
}

const emails = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `member${from + i}@example.com`);
const csvOf = (rows: string[]) => `email,city\n${rows.join('\n')}\n`;
const csvMembers = (list: string[], city = 'Oslo') =>
  csvOf(list.map((email) => `${email},${city}`));
const jsonLines = (rows: Record<string, unknown>[]) =>
  rows.map((row) => JSON.stringify(row)).join('\n') + '\n';

/**
 * Removals need evidence, through the local host: a snapshot that lost its e-mail key or column,
 * or holds a line that cannot be read, sends what it can and removes no one, with the reason on
 * the run; removals in steps are held against the list's largest recent size.
 */
describe('removal evidence and the guard window', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let connectionId: string;

  const upload = (file: string, content: string) =>
    BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/${file}`)
      .upload(content, Buffer.byteLength(content));

  async function createExport(segment: string, extra: Record<string, unknown> = {}) {
    return stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: segment,
        connectionId,
        segments: [segment],
        emailField: 'email',
        dataFields: { city: 'city' },
        ...extra,
      },
    });
  }

  async function runToEnd(exportId: string): Promise<Run> {
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body: {} });
    expect(started.status).toBe(202);
    return waitForRun(exportId, String(started.json().id));
  }

  async function waitForRun(exportId: string, runId: string): Promise<Run> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const run = (
        await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin })
      ).json() as unknown as Run;
      if (settled(run.status)) return run;
      if (Date.now() > deadline) throw new Error(`Run still ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const membersOf = (listId: number | undefined) =>
    [
      ...(stack.iterable
        .inspect({ listId, users: false })[0]
        ?.lists.find((list) => list.id === listId)?.members ?? []),
    ].sort();

  /** An export of `segment` whose first run put `content` on its list. */
  async function exportedOnce(file: string, content: string, extra: Record<string, unknown> = {}) {
    await upload(file, content);
    const created = await createExport(file.replace(/\.\w+$/, ''), extra);
    expect(created.status).toBe(201);
    const exportId = String(created.json().id);
    const first = await runToEnd(exportId);
    expect(first.status).toBe('succeeded');
    return { exportId, listId: first.segments[0]?.listId };
  }

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key] });
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Evidence', apiKey: key, consent: { accepted: true } },
    });
    connectionId = String(connection.json().id);
  });
  afterAll(() => stack.stop());

  it('removes no one when a JSON-lines snapshot lost its e-mail key, and still sends the rest', async () => {
    const rows = emails(0, 50).map((email) => ({ email, city: 'Oslo' }));
    const { exportId, listId } = await exportedOnce('Renamed key.jsonl', jsonLines(rows));
    await upload(
      'Renamed key.jsonl',
      jsonLines([
        ...rows.map(({ email, city }) => ({ Email: email, city })),
        { email: 'member0@example.com', city: 'Bergen' },
        { email: 'newcomer@example.com', city: 'Oslo' },
      ]),
    );
    const run = await runToEnd(exportId);
    expect(run.status).toBe('partiallySucceeded');
    expect(run.counts).toMatchObject({ added: 1, updated: 1, removed: 0, rejected: 50 });
    expect(run.warnings).toHaveLength(1);
    expect(run.warnings?.[0]).toMatchObject({
      code: 'emailKeyMissing',
      segment: 'Renamed key',
      lines: [1, 2, 3, 4, 5],
    });
    expect(run.warnings?.[0]?.message).toMatch(
      /"email" is missing from 50 of 52 rows.*no one was removed/,
    );
    expect(membersOf(listId)).toEqual([...emails(0, 50), 'newcomer@example.com'].sort());
    // The line the held-removals alert counts.
    await stack.host.waitForOutput(
      new RegExp(`"message":"Run removals held".*"runId":"${run.id}"`),
    );
  });

  it('removes no one from a 50-member list when the CSV e-mail column is blank in every row', async () => {
    const { exportId, listId } = await exportedOnce('Blank column.csv', csvMembers(emails(0, 50)));
    await upload(
      'Blank column.csv',
      csvOf([...emails(0, 50).map(() => ',Oslo'), 'newcomer@example.com,Oslo']),
    );
    const run = await runToEnd(exportId);
    expect(run.status).toBe('partiallySucceeded');
    expect(run.counts).toMatchObject({ added: 1, removed: 0, rejected: 50 });
    expect(run.warnings?.[0]).toMatchObject({
      code: 'missingEmailJump',
      segment: 'Blank column',
      lines: [2, 3, 4, 5, 6],
    });
    expect(run.warnings?.[0]?.message).toMatch(/50 of 51 rows have no usable e-mail.*0 of 50/);
    expect(membersOf(listId)).toEqual([...emails(0, 50), 'newcomer@example.com'].sort());
  });

  it('sends what is readable of a snapshot whose last JSON line is cut, first run and later', async () => {
    const segment = 'Cut line';
    const good = emails(0, 10).map((email) => ({ email, city: 'Oslo' }));
    await upload(`${segment}.jsonl`, `${jsonLines(good)}{"Email": "broken`);
    const created = await createExport(segment);
    const exportId = String(created.json().id);
    const first = await runToEnd(exportId);
    expect(first.status).toBe('partiallySucceeded');
    expect(first.counts).toMatchObject({ added: 10, removed: 0, rejected: 1 });
    expect(first.warnings).toEqual([
      expect.objectContaining({ code: 'unreadableLines', segment, lines: [11] }),
    ]);
    const listId = first.segments[0]?.listId;
    expect(membersOf(listId)).toEqual(emails(0, 10).sort());

    // Later: two members seem gone, two are new, and the last line is cut again.
    const later = [...good.slice(0, 8), ...emails(10, 12).map((email) => ({ email }))];
    await upload(`${segment}.jsonl`, `${jsonLines(later)}{"Email": "broken`);
    const second = await runToEnd(exportId);
    expect(second.status).toBe('partiallySucceeded');
    expect(second.counts).toMatchObject({ added: 2, removed: 0, rejected: 1 });
    expect(second.warnings?.[0]).toMatchObject({ code: 'unreadableLines', lines: [11] });
    expect(membersOf(listId)).toEqual(emails(0, 12).sort());
  });

  it('holds removals in steps against the largest recent size, until an Admin confirms', async () => {
    const { exportId, listId } = await exportedOnce('Stepped.csv', csvMembers(emails(0, 100)));
    // 40% of 100: under the guard's 50%, so it goes through.
    await upload('Stepped.csv', csvMembers(emails(0, 60)));
    const second = await runToEnd(exportId);
    expect(second.status).toBe('succeeded');
    expect(second.counts.removed).toBe(40);
    // 40% of 60 more: 64% below the 100 of two runs ago, so it is held.
    await upload('Stepped.csv', csvMembers(emails(0, 36)));
    const third = await runToEnd(exportId);
    expect(third.status).toBe('awaitingConfirmation');
    expect(third.confirmation?.segments).toEqual([
      expect.objectContaining({ name: 'Stepped', recentLargestSize: 100, percent: 64 }),
    ]);
    expect(membersOf(listId)).toHaveLength(60);

    const confirmed = await stack.call('POST', `exports/${exportId}/runs/${third.id}/confirm`, {
      as: admin,
    });
    expect(confirmed.status).toBe(200);
    const done = await waitForRun(exportId, third.id);
    expect(done.status).toBe('succeeded');
    expect(membersOf(listId)).toHaveLength(36);

    // The confirmation reset the baseline: 39% of 36 goes through (78% of 100 would not).
    await upload('Stepped.csv', csvMembers(emails(0, 22)));
    const fourth = await runToEnd(exportId);
    expect(fourth.status).toBe('succeeded');
    expect(fourth.counts.removed).toBe(14);
    expect(membersOf(listId)).toHaveLength(22);
  });

  it('holds a small list from its first member by default', async () => {
    const { exportId, listId } = await exportedOnce('Tiny.csv', csvMembers(emails(0, 3)));
    await upload('Tiny.csv', csvMembers(emails(0, 1)));
    const run = await runToEnd(exportId);
    expect(run.status).toBe('awaitingConfirmation');
    expect(membersOf(listId)).toHaveLength(3);
  });

  it('applies thresholds set on the export', async () => {
    const refused = await createExport('Own thresholds', {
      removalThresholds: { guardPercent: 150 },
    });
    expect(refused.status).toBe(400);

    const own = { guardPercent: 80, missingEmailJumpPercent: 100 };
    const { exportId, listId } = await exportedOnce(
      'Own thresholds.csv',
      csvMembers(emails(0, 10)),
      { removalThresholds: own },
    );
    const read = await stack.call('GET', `exports/${exportId}`, { as: admin });
    expect(read.json()).toMatchObject({ removalThresholds: own });
    // 60% removed: held at the app's 50%, let through at the export's 80%. Blank e-mails that
    // would hold removals at the app's 10-point jump do not at the export's 100.
    await upload('Own thresholds.csv', csvOf([...emails(0, 4).map((e) => `${e},Oslo`), ',Oslo']));
    const run = await runToEnd(exportId);
    expect(run.status).toBe('partiallySucceeded'); // the blank row is a rejection
    expect(run.warnings).toBeUndefined();
    expect(run.counts).toMatchObject({ removed: 6, rejected: 1 });
    expect(membersOf(listId)).toHaveLength(4);
  });
});
