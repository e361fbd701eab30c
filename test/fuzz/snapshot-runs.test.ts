import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';
import { settled } from '../support/run-status';

/**
 * Bad snapshots through the real host and pipeline: each ends in members and rejections that name
 * their row, or in a failed run whose error says why (removing no one); never in a crash, a run
 * left `planning`, or a row that vanished.
 */

const tenant = `bad-input-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };
const tenMegabytes = 10 * 1024 * 1024;

interface Run {
  id: string;
  status: string;
  counts: Record<string, number>;
  segments: { name: string; listId?: number }[];
  error?: { code: string; message: string };
  warnings?: { code: string; segment: string; message: string; lines: number[] }[];
}

interface Rejection {
  email: string;
  reason: string;
  line?: number;
}

interface Outcome {
  run: Run;
  rejections: Rejection[];
  /** The list's members with their data fields, as Iterable holds them. */
  members: { email: string; dataFields: Record<string, unknown> }[];
}

describe('bad snapshots through the pipeline', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let connectionId: string;
  let exportCount = 0;

  async function put(file: string, content: string | Buffer) {
    const blob = BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tenant}/${file}`);
    await blob.upload(content, Buffer.byteLength(content));
  }

  async function createExport(segment: string, syncMode?: 'mirror' | 'addOnly') {
    return stack.call('POST', 'exports', {
      as: admin,
      body: {
        displayName: `Bad input ${++exportCount}`,
        connectionId,
        segments: [segment],
        emailField: 'email',
        dataFields: { firstName: 'first_name' },
        ...(syncMode ? { syncMode } : {}),
      },
    });
  }

  async function exportOn(segment: string, syncMode?: 'mirror' | 'addOnly'): Promise<string> {
    const response = await createExport(segment, syncMode);
    expect(`${response.status} ${response.text}`).toMatch(/^201 /);
    return String(response.json().id);
  }

  function membersOf(listId: number | undefined): Outcome['members'] {
    if (listId === undefined) return [];
    const [project] = stack.iterable.inspect({ listId, users: true });
    const emails = new Set(project?.lists.find((list) => list.id === listId)?.members ?? []);
    return (project?.users ?? [])
      .filter((user) => emails.has(user.email))
      .map(({ email, dataFields }) => ({ email, dataFields }));
  }

  /**
   * The first failed invocation of a queue function for this run: the host logs the failure with
   * its invocation id, and every line the app writes carries both the invocation and the run id.
   */
  function crashOf(runId: string): string | undefined {
    const lines = stack.host.output().split('\n');
    for (const line of lines) {
      const invocation = /Executed 'Functions\.[^']+' \(Failed, Id=([0-9a-f-]+)/.exec(line)?.[1];
      if (!invocation) continue;
      if (lines.some((other) => other.includes(invocation) && other.includes(runId))) return line;
    }
    return undefined;
  }

  /**
   * Runs the export to its end. A queue function that fails for the run is a crash, reported at
   * once: the queue would try it four more times, and the run end `failed` only then, with a
   * message that names no cause.
   */
  async function runToEnd(exportId: string, listId?: number): Promise<Outcome> {
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body: {} });
    expect(`${started.status} ${started.text}`).toMatch(/^202 /);
    const runId = String(started.json().id);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const run = (
        await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin })
      ).json() as unknown as Run;
      if (settled(run.status)) {
        const rejections = await stack.call(
          'GET',
          `exports/${exportId}/runs/${runId}/rejections?top=100`,
          { as: admin },
        );
        return {
          run,
          rejections: rejections.json().value as Rejection[],
          members: membersOf(run.segments[0]?.listId ?? listId),
        };
      }
      const crash = crashOf(runId);
      if (crash) throw new Error(`A function failed for the run, still '${run.status}': ${crash}`);
      if (Date.now() > deadline) throw new Error(`The run is still '${run.status}'`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  /**
   * A mirror export whose first run sent `content` (CSV, or JSON lines) fine; what its list held
   * then.
   */
  async function exportedOnce(segment: string, content: string, format = 'csv') {
    await put(`${segment}.${format}`, content);
    const exportId = await exportOn(segment, 'mirror');
    const first = await runToEnd(exportId);
    expect(first.run.status).toBe('succeeded');
    expect(first.members.length).toBeGreaterThan(0);
    return { exportId, listId: first.run.segments[0]?.listId, before: first.members };
  }

  /** The bad row became a rejection naming it, or the run failed naming it and sent nothing. */
  function expectRefusedNamingRow(outcome: Outcome, row: number, others: string[]) {
    const { run, rejections, members } = outcome;
    if (run.status === 'failed') {
      expect(run.error?.message).toMatch(new RegExp(`\\b(row|line)s? ${row}\\b`, 'i'));
      expect(members).toEqual([]);
      return;
    }
    expect(rejections.map((rejection) => rejection.line)).toContain(row);
    expect(members.map((member) => member.email).sort()).toEqual([...others].sort());
  }

  const goodCsv = 'email,first_name\nada@example.com,Ada\ngrace@example.com,Grace\n';

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key] });
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Bad input', apiKey: key, consent: { accepted: true } },
    });
    connectionId = String(connection.json().id);
  });
  afterAll(() => stack.stop());

  it('keeps what a short row has, drops a long row’s extra cells and rejects rows without an e-mail, naming each', async () => {
    await put(
      'Ragged.csv',
      'email,first_name\r\nada@example.com,Ada,extra,cells\r\ngrace@example.com\r\n,Nameless\r\nnot-an-email,X\r\n\r\n',
    );
    const { run, rejections, members } = await runToEnd(await exportOn('Ragged'));
    expect(run.status).toBe('partiallySucceeded');
    expect(run.counts).toMatchObject({ total: 2, added: 2, rejected: 2 });
    expect(members).toEqual([
      { email: 'ada@example.com', dataFields: { firstName: 'Ada' } },
      { email: 'grace@example.com', dataFields: {} },
    ]);
    expect(rejections).toEqual([
      { email: '', reason: 'missingEmail', line: 4, segment: 'Ragged' },
      { email: 'not-an-email', reason: 'invalidEmail', line: 5, segment: 'Ragged' },
    ]);
  });

  it('reads a BOM, CRLF line ends and quoted commas and line breaks', async () => {
    await put(
      'Bom crlf.csv',
      '\ufeffemail,first_name\r\n"ada@example.com","Lovelace, Ada"\r\ngrace@example.com,"Grace\r\nHopper"\r\n',
    );
    const { run, members } = await runToEnd(await exportOn('Bom crlf'));
    expect(run.status).toBe('succeeded');
    expect(members).toEqual([
      { email: 'ada@example.com', dataFields: { firstName: 'Lovelace, Ada' } },
      { email: 'grace@example.com', dataFields: { firstName: 'Grace\r\nHopper' } },
    ]);
  });

  // A broken record on one line is a rejection naming its row (its member kept, not removed,
  // when its e-mail can be read); one whose e-mail cannot be read fails a mirror run, naming it.
  it.each([
    ['a quote inside an unquoted field', 'ada@example.com,Ada "the first"\n'],
    ['text after a closing quote', '"ada@example.com"x,Ada\n'],
    ['a quote that is never closed', 'ada@example.com,"Ada\n'],
  ])('refuses a row with %s, naming its row, and sends the others', async (kind, badRow) => {
    const segment = `Broken quote ${kind}`;
    await put(`${segment}.csv`, `email,first_name\ngrace@example.com,Grace\n${badRow}`);
    const outcome = await runToEnd(await exportOn(segment));
    expectRefusedNamingRow(outcome, 3, ['grace@example.com']);
  });

  it('rejects an e-mail with bytes that are not UTF-8, naming its row', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('email,first_name\nada@example.com,Ada\njos'),
      Buffer.from([0xe9]), // é in Latin-1: not UTF-8
      Buffer.from('@example.com,José\n'),
    ]);
    await put('Latin1 email.csv', latin1);
    const { run, rejections, members } = await runToEnd(await exportOn('Latin1 email'));
    expect(run.status).toBe('partiallySucceeded');
    expect(rejections).toEqual([
      { email: 'jos\ufffd@example.com', reason: 'invalidEmail', line: 3, segment: 'Latin1 email' },
    ]);
    expect(members.map((member) => member.email)).toEqual(['ada@example.com']);
  });

  // Sent as U+FFFD, the damaged value would overwrite the profile's good one in Iterable.
  it('refuses a data field with bytes that are not UTF-8, naming its row', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('email,first_name\nada@example.com,Ada\njose@example.com,Jos'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    await put('Latin1 field.csv', latin1);
    const outcome = await runToEnd(await exportOn('Latin1 field'));
    expect(JSON.stringify(outcome.members)).not.toContain('\ufffd');
    expectRefusedNamingRow(outcome, 3, ['ada@example.com']);
  });

  it('rejects a 10 MB e-mail cell, naming its row, and sends the others', async () => {
    await put(
      'Long line.csv',
      `email,first_name\nada@example.com,Ada\n${'x'.repeat(tenMegabytes)}@example.com,Long\ngrace@example.com,Grace\n`,
    );
    const { run, rejections, members } = await runToEnd(await exportOn('Long line'));
    expect(run.status).toBe('partiallySucceeded');
    expect(rejections.map(({ reason, line }) => ({ reason, line }))).toEqual([
      { reason: 'invalidEmail', line: 3 },
    ]);
    expect(members.map((member) => member.email)).toEqual(['ada@example.com', 'grace@example.com']);
  });

  // In a batch of its own, such a member would be refused by Iterable (413) on every run.
  it('refuses a 10 MB data field, naming its row, sending no request over 4 MB', async () => {
    // Iterable takes requests under 4 MB; a member larger than that can never be sent.
    stack.iterable.configure({ maxBodyBytes: 4 * 1024 * 1024 });
    try {
      const lines = [
        { email: 'ada@example.com', first_name: 'Ada' },
        { email: 'long@example.com', first_name: 'x'.repeat(tenMegabytes) },
        { email: 'grace@example.com', first_name: 'Grace' },
      ];
      await put('Long field.jsonl', `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
      const before = stack.iterable.stats().requests['POST /api/lists/subscribe']?.['413'] ?? 0;
      const outcome = await runToEnd(await exportOn('Long field'));
      expectRefusedNamingRow(outcome, 2, ['ada@example.com', 'grace@example.com']);
      expect(stack.iterable.stats().requests['POST /api/lists/subscribe']?.['413'] ?? 0).toBe(
        before,
      );
    } finally {
      stack.iterable.configure({ maxBodyBytes: 16 * 1024 * 1024 });
    }
  });

  // A refused row is not someone who left the segment: a mirror run must not remove its member.
  it('keeps the members of rows refused on a later run, with the data they had', async () => {
    const { exportId, listId, before } = await exportedOnce('Refused later', goodCsv);
    await put(
      'Refused later.csv',
      Buffer.concat([
        Buffer.from('email,first_name\nada@example.com,Ad'),
        Buffer.from([0xe1]), // á in Latin-1: not UTF-8
        Buffer.from('\ngrace@example.com,Grace "G"\n'),
      ]),
    );
    const { run, rejections, members } = await runToEnd(exportId, listId);
    expect(run.status).toBe('partiallySucceeded');
    expect(run.counts).toMatchObject({ removed: 0, rejected: 2 });
    expect(rejections).toEqual([
      { email: 'ada@example.com', reason: 'invalidUtf8', line: 2, segment: 'Refused later' },
      { email: 'grace@example.com', reason: 'unreadableRow', line: 3, segment: 'Refused later' },
    ]);
    expect(members).toEqual(before);
  });

  it('holds removals, naming the row, when a broken row’s e-mail cannot be read', async () => {
    const { exportId, listId, before } = await exportedOnce('Unreadable email', goodCsv);
    await put(
      'Unreadable email.csv',
      'email,first_name\n"ada@example.com"x,Ada\ngrace@example.com,Grace\n',
    );
    const { run, members } = await runToEnd(exportId, listId);
    expect(run.status).toBe('partiallySucceeded');
    expect(run.counts).toMatchObject({ removed: 0, rejected: 1 });
    expect(run.warnings).toEqual([
      expect.objectContaining({ code: 'unreadableLines', segment: 'Unreadable email', lines: [2] }),
    ]);
    expect(run.warnings?.[0]?.message).toMatch(/^Segment "Unreadable email": 1 line\(s\)/);
    expect(members).toEqual(before);
  });

  it('refuses to save an export on an empty snapshot', async () => {
    await put('Empty at first.csv', '');
    const response = await createExport('Empty at first');
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({
      error: { details: [{ code: 'SegmentUnreadable', target: 'segments[0]' }] },
    });
  });

  it('fails the run with a clear error, removing no one, when the snapshot became empty', async () => {
    const { exportId, listId, before } = await exportedOnce('Emptied', goodCsv);
    await put('Emptied.csv', '');
    const { run, members } = await runToEnd(exportId, listId);
    expect(run.status).toBe('failed');
    expect(run.error?.message).toMatch(/Emptied.*empty/);
    expect(members).toEqual(before);
  });

  // With the e-mail column gone every row would be a missingEmail rejection and the segment
  // would look empty: the run must fail before a mirror run removes everyone.
  it('fails the run, naming the column and removing no one, when the header lost the e-mail column', async () => {
    const { exportId, listId, before } = await exportedOnce('Lost column', goodCsv);
    await put('Lost column.csv', 'mail,first_name\nada@example.com,Ada\ngrace@example.com,Grace\n');
    const { run, members } = await runToEnd(exportId, listId);
    expect(members).toEqual(before);
    expect(run.counts.removed ?? 0).toBe(0);
    expect(run.status).toBe('failed');
    expect(run.error?.message).toMatch(/\bemail\b/);
  });

  // An addOnly export removes no one, so a broken line is only a rejection, its e-mail known or not.
  it('rejects broken JSON lines and lines that are not objects in an addOnly export, naming each, and sends the rest', async () => {
    const lines = [
      '{"email":"ada@example.com","first_name":"Ada"}',
      '{"email":"broken@example.com",',
      '["grace@example.com"]',
      'null',
      '',
      '{"email":42}',
      '{"email":"grace@example.com","first_name":"Grace"}\r',
    ];
    await put('Broken lines.jsonl', `\ufeff${lines.join('\n')}`);
    const { run, rejections, members } = await runToEnd(await exportOn('Broken lines', 'addOnly'));
    expect(run.status).toBe('partiallySucceeded');
    expect(run.counts).toMatchObject({ total: 2, added: 2, removed: 0, rejected: 4 });
    expect(rejections).toEqual(
      [
        // Its e-mail is still in the line: refused (nothing sent for it), named in the rejection.
        { email: 'broken@example.com', reason: 'unreadableRow', line: 2 },
        { email: '', reason: 'unreadableRow', line: 3 },
        { email: '', reason: 'unreadableRow', line: 4 },
        { email: '', reason: 'missingEmail', line: 6 },
      ].map((rejection) => ({ ...rejection, segment: 'Broken lines' })),
    );
    expect(members).toEqual([
      { email: 'ada@example.com', dataFields: { firstName: 'Ada' } },
      { email: 'grace@example.com', dataFields: { firstName: 'Grace' } },
    ]);
  });

  const goodJsonLines = `${[
    { email: 'ada@example.com', first_name: 'Ada' },
    { email: 'grace@example.com', first_name: 'Grace' },
  ]
    .map((line) => JSON.stringify(line))
    .join('\n')}\n`;

  // A damaged line is not someone who left the segment: a mirror run keeps its member as it was.
  it('keeps the member of a damaged JSON line whose e-mail it still holds, with the data it had', async () => {
    const segment = 'Damaged line';
    const { exportId, listId, before } = await exportedOnce(segment, goodJsonLines, 'jsonl');
    await put(
      `${segment}.jsonl`,
      '{"email":"ada@example.com","first_name":"Ada Lovelace\n{"email":"grace@example.com","first_name":"Grace"}\n',
    );
    const { run, rejections, members } = await runToEnd(exportId, listId);
    expect(run.status).toBe('partiallySucceeded');
    expect(run.counts).toMatchObject({ removed: 0, rejected: 1 });
    expect(rejections).toEqual([
      { email: 'ada@example.com', reason: 'unreadableRow', line: 1, segment: 'Damaged line' },
    ]);
    expect(members).toEqual(before);
  });

  it('holds removals, naming the line, when a damaged JSON line’s e-mail cannot be read', async () => {
    const segment = 'Damaged line without email';
    const { exportId, listId, before } = await exportedOnce(segment, goodJsonLines, 'jsonl');
    await put(`${segment}.jsonl`, '{"email":"grace@example.com","first_name":"Grace"}\n{"emai\n');
    const { run, rejections, members } = await runToEnd(exportId, listId);
    expect(run.status).toBe('partiallySucceeded');
    expect(run.counts).toMatchObject({ removed: 0, rejected: 1 });
    expect(run.warnings).toEqual([
      expect.objectContaining({ code: 'unreadableLines', segment, lines: [2] }),
    ]);
    expect(rejections).toEqual([{ email: '', reason: 'unreadableRow', line: 2, segment }]);
    expect(members).toEqual(before);
  });

  // A gzip error from the row stream fails the run at once, saying what was wrong.
  it('fails the run with a clear error, removing no one, when the gzip stream is corrupt', async () => {
    const segment = 'Corrupt gzip';
    await put(`${segment}.csv.gz`, gzipSync(goodCsv));
    const exportId = await exportOn(segment);
    const first = await runToEnd(exportId);
    expect(first.run.status).toBe('succeeded');
    const listId = first.run.segments[0]?.listId;
    const truncated = gzipSync(`${goodCsv}${'x@example.com,X\n'.repeat(5000)}`);
    await put(`${segment}.csv.gz`, truncated.subarray(0, truncated.length - 200));
    const { run, members } = await runToEnd(exportId, listId);
    expect(run.status).toBe('failed');
    expect(run.error?.message).toMatch(/gzip|compress/i);
    expect(members).toEqual(first.members);
  });
});
