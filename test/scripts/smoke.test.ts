import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';
import { runSmoke, type SmokeResult } from './smoke-process';

/** `npm run smoke` against the real app on the local host, with the Iterable stand-in. */

const tenant = `smoke-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };
const members = ['ann@example.com', 'bob@example.com', 'cy@example.com'];
/** Three members and one row the planner refuses. */
const newsletterCsv = `email,first_name\n${members.map((email) => `${email},X`).join('\n')}\nnot-an-email,Y\n`;
const dryCounts = 'total 3, added 3, updated 0, removed 0, unchanged 0, rejected 1';

describe('npm run smoke against the local app', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let connectionId: string;
  let token: string;

  async function uploadSegment(name: string, content: string) {
    const blobs = BlobServiceClient.fromConnectionString(stack.storage);
    const blob = blobs.getContainerClient('segments').getBlockBlobClient(`${tenant}/${name}`);
    await blob.upload(content, Buffer.byteLength(content));
  }

  async function createExport(displayName: string, segment: string): Promise<string> {
    const created = await stack.call('POST', 'exports', {
      as: admin,
      body: { displayName, connectionId, segments: [segment], emailField: 'email' },
    });
    expect(created.status).toBe(201);
    return String(created.json().id);
  }

  /** An Iterable list has one owning export: each test leaves the segments' lists free. */
  async function deleteExports(): Promise<void> {
    const listed = (await stack.call('GET', 'exports', { as: admin })).json();
    for (const { id } of listed.value as { id: string }[]) {
      expect((await stack.call('DELETE', `exports/${id}`, { as: admin })).status).toBe(204);
    }
  }

  async function exportNames(): Promise<string[]> {
    const listed = (await stack.call('GET', 'exports', { as: admin })).json();
    return (listed.value as { displayName: string }[]).map((entry) => entry.displayName);
  }

  async function runsOf(exportId: string) {
    const listed = (await stack.call('GET', `exports/${exportId}/runs`, { as: admin })).json();
    return listed.value as { id: string; dryRun: boolean; status: string }[];
  }

  /** The output with the host's log when a run went wrong, so a failure explains itself. */
  function explained(result: SmokeResult): string {
    return `${result.stdout}\n${result.stderr}\n--- host ---\n${stack.host.output().slice(-3000)}`;
  }

  const healthLine = /^✓ health: healthy, version \S+ \(storage healthy, keyVault healthy\)$/;
  const openApiLine = /^✓ openapi: OpenAPI 3\.1\.\d+, \d+ paths, API version \S+$/;
  const segmentLine = "✓ segment: 'Newsletter' found (csv), 2 columns: email, first_name";

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key] });
    const connection = await stack.call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Smoke', apiKey: key, consent: { accepted: true } },
    });
    expect(connection.status).toBe(201);
    connectionId = String(connection.json().id);
    await uploadSegment('Newsletter.csv', newsletterCsv);
    token = await stack.token(admin);
  }, 120_000);
  afterAll(() => stack?.stop());
  afterEach(() => deleteExports());

  it('passes every step with --connection, deletes its export and changes nothing in Iterable', async () => {
    const listsBefore = stack.iterable.inspect({ members: false, users: false });
    const before = stack.iterable.stats();
    const args = ['--url', stack.url, '--segment', 'Newsletter', '--connection', connectionId];
    const result = await runSmoke(args, { SMOKE_TOKEN: token });

    expect({ code: result.code, output: explained(result) }).toMatchObject({ code: 0 });
    const [health, openApi, segment, created, dryRun, cleanup, summary, ...rest] = result.lines;
    expect(health).toMatch(healthLine);
    expect(openApi).toMatch(openApiLine);
    expect(segment).toBe(segmentLine);
    const exportId =
      /^✓ export: temporary export 'smoke-test Newsletter \d{4}-\d\d-\d\dT[\d:.]+Z' \(([0-9a-f-]{36})\) created, schedule off$/.exec(
        created ?? '',
      )?.[1];
    expect(exportId).toBeDefined();
    expect(dryRun).toMatch(
      new RegExp(`^✓ dry run: succeeded in [\\d.]+ s \\(run [0-9a-f-]{36}\\): ${dryCounts}$`),
    );
    expect(cleanup).toBe(`✓ cleanup: temporary export ${exportId} deleted`);
    expect(summary).toBe(`smoke: passed, 6 checks against ${stack.url}`);
    expect(rest).toEqual([]);

    // Gone, and no other export left behind.
    expect((await stack.call('GET', `exports/${exportId}`, { as: admin })).status).toBe(404);
    expect((await exportNames()).filter((name) => name.startsWith('smoke-test'))).toEqual([]);
    // Iterable: one read of the lists, no list made, no one sent.
    const after = stack.iterable.stats();
    expect(after.subscribersReceived).toBe(before.subscribersReceived);
    expect(after.unsubscribersReceived).toBe(before.unsubscribersReceived);
    expect(after.requests['POST /api/lists']).toEqual(before.requests['POST /api/lists']);
    expect(after.requests['GET /api/lists']?.['200']).toBe(
      (before.requests['GET /api/lists']?.['200'] ?? 0) + 1,
    );
    expect(stack.iterable.inspect({ members: false, users: false })).toEqual(listsBefore);
    expect(result.stdout + result.stderr).not.toContain(token);
  }, 120_000);

  it('dry-runs an existing export named with --export, which stays as it was', async () => {
    const exportId = await createExport('Newsletter export', 'Newsletter');
    const args = ['--url', stack.url, '--token', token, '--segment', 'Newsletter'];
    const result = await runSmoke([...args, '--export', exportId]);

    expect({ code: result.code, output: explained(result) }).toMatchObject({ code: 0 });
    expect(result.lines.slice(2)).toEqual([
      segmentLine,
      `✓ export: 'Newsletter export' (${exportId}) includes 'Newsletter'`,
      expect.stringMatching(
        new RegExp(`^✓ dry run: succeeded in [\\d.]+ s \\(run [0-9a-f-]{36}\\): ${dryCounts}$`),
      ),
      `smoke: passed, 5 checks against ${stack.url}`,
    ]);
    const runs = await runsOf(exportId);
    expect(runs.map(({ dryRun, status }) => ({ dryRun, status }))).toEqual([
      { dryRun: true, status: 'succeeded' },
    ]);
    expect(result.lines[4]).toContain(`(run ${runs[0]?.id})`);
    expect((await stack.call('GET', `exports/${exportId}`, { as: admin })).status).toBe(200);
    expect(result.stdout + result.stderr).not.toContain(token);
  }, 120_000);

  it('fails an export that does not include the segment, requesting no run', async () => {
    await uploadSegment('Other.csv', 'email\nann@example.com\n');
    const exportId = await createExport('Other export', 'Other');
    const result = await runSmoke(
      ['--url', stack.url, '--segment', 'Newsletter', '--export', exportId],
      { SMOKE_TOKEN: token },
    );
    expect(result.code).toBe(1);
    expect(result.lines.slice(2)).toEqual([
      segmentLine,
      `✗ export: 'Other export' (${exportId}) does not include 'Newsletter'; its segments: Other`,
      `smoke: FAILED, 1 of 4 checks against ${stack.url}`,
    ]);
    expect(await runsOf(exportId)).toEqual([]);
  }, 60_000);

  it('fails with --connection on a segment another export writes, pointing at --export', async () => {
    await createExport('Owner export', 'Newsletter');
    const result = await runSmoke(
      ['--url', stack.url, '--segment', 'Newsletter', '--connection', connectionId],
      { SMOKE_TOKEN: token },
    );
    expect({ code: result.code, output: explained(result) }).toMatchObject({ code: 1 });
    expect(result.lines).toContainEqual(
      expect.stringMatching(
        /^✗ export: temporary export not created: .*ListTaken.*; an export already writes this list: dry-run it with --export <id>$/,
      ),
    );
    expect(await exportNames()).toEqual(['Owner export']);
  });

  it('fails on an unknown segment, naming it, and creates no export', async () => {
    const names = await exportNames();
    const result = await runSmoke(
      ['--url', stack.url, '--segment', 'No such segment', '--connection', connectionId],
      { SMOKE_TOKEN: token },
    );
    expect(result.code).toBe(1);
    expect(result.lines.slice(2)).toEqual([
      '✗ segment: \'No such segment\' not found: GET /api/segments/No%20such%20segment answered 404 NotFound: Segment "No such segment" was not found.',
      `smoke: FAILED, 1 of 3 checks against ${stack.url}`,
    ]);
    expect(await exportNames()).toEqual(names);
  }, 60_000);

  it('fails when the dry run fails, with the run’s error', async () => {
    await uploadSegment('Changing.csv', 'email\nann@example.com\n');
    const exportId = await createExport('Changing export', 'Changing');
    // The snapshot loses its e-mail column after the export was saved.
    await uploadSegment('Changing.csv', 'mail\nann@example.com\n');
    const result = await runSmoke(
      ['--url', stack.url, '--segment', 'Changing', '--export', exportId],
      { SMOKE_TOKEN: token },
    );
    expect({ code: result.code, output: explained(result) }).toMatchObject({ code: 1 });
    const [run] = await runsOf(exportId);
    expect(result.lines[4]).toBe(
      `✗ dry run: ended failed (run ${run?.id}); ColumnNotFound: Segment "Changing" has no column "email" (the email field); nothing was sent or removed.`,
    );
  }, 120_000);

  it('runs only health and openapi without a token, and says why the dry run was skipped', async () => {
    const result = await runSmoke(['--url', stack.url]);
    expect(result.code).toBe(0);
    expect(result.lines).toEqual([
      expect.stringMatching(healthLine),
      expect.stringMatching(openApiLine),
      '– dry run: skipped: no token (--token or SMOKE_TOKEN; with --segment and --export or --connection)',
      `smoke: passed, 2 checks against ${stack.url}`,
    ]);
  }, 60_000);

  it('fails a dry run asked for without a token, after health and openapi', async () => {
    const names = await exportNames();
    const result = await runSmoke([
      ...['--url', stack.url, '--segment', 'Newsletter', '--connection', connectionId],
    ]);
    expect(result.code).toBe(1);
    expect(result.lines.slice(2)).toEqual([
      "✗ dry run: not run for segment 'Newsletter': no token (--token or SMOKE_TOKEN)",
      `smoke: FAILED, 1 of 3 checks against ${stack.url}`,
    ]);
    expect(await exportNames()).toEqual(names);
  }, 60_000);

  describe('a dry run that does not end in time (Iterable failing)', () => {
    beforeEach(() => {
      stack.iterable.configure({
        failNext: 1_000_000,
        failStatus: 503,
        faultEndpoints: ['GET /api/lists'],
      });
    });
    afterEach(() => {
      stack.iterable.configure({ failNext: 0, faultEndpoints: null });
    });

    it('fails, and the temporary export is deleted all the same', async () => {
      const result = await runSmoke(
        [
          ...['--url', stack.url, '--segment', 'Newsletter', '--connection', connectionId],
          ...['--timeout-seconds', '3'],
        ],
        { SMOKE_TOKEN: token },
      );
      expect({ code: result.code, output: explained(result) }).toMatchObject({ code: 1 });
      const exportId = /\(([0-9a-f-]{36})\) created/.exec(result.lines[3] ?? '')?.[1];
      expect(result.lines.slice(4)).toEqual([
        expect.stringMatching(
          /^✗ dry run: still (queued|planning) after 3 s \(run [0-9a-f-]{36}\)$/,
        ),
        `✓ cleanup: temporary export ${exportId} deleted`,
        `smoke: FAILED, 1 of 6 checks against ${stack.url}`,
      ]);
      expect((await stack.call('GET', `exports/${exportId}`, { as: admin })).status).toBe(404);
    }, 120_000);

    it('cancels the dry run of an existing export, which would hold the export', async () => {
      const exportId = await createExport('Held export', 'Newsletter');
      const result = await runSmoke(
        [
          ...['--url', stack.url, '--segment', 'Newsletter', '--export', exportId],
          ...['--timeout-seconds', '3'],
        ],
        { SMOKE_TOKEN: token },
      );
      expect({ code: result.code, output: explained(result) }).toMatchObject({ code: 1 });
      const [run] = await runsOf(exportId);
      expect(result.lines[4]).toMatch(
        new RegExp(
          `^✗ dry run: still (queued|planning) after 3 s \\(run ${run?.id}\\); the run was cancelled$`,
        ),
      );
      expect(run?.status).toBe('cancelled');
    }, 120_000);
  });
});

describe('npm run smoke arguments', () => {
  it.each([
    [[], '--url <app url> is required'],
    [['--url', 'ftp://example.com'], '--url must be an http(s) URL, not ftp:'],
    [
      ['--url', 'example.com'],
      '--url must be an http(s) URL such as https://<app>.azurewebsites.net',
    ],
    [
      ['--url', 'https://user:secret@example.com'],
      '--url must be the bare app URL: no credentials, query or fragment',
    ],
    [
      ['--url', 'https://example.com', '--segment', 'A'],
      '--segment needs --export <id> or --connection <id>',
    ],
    [
      ['--url', 'https://example.com', '--export', 'x', '--segment', 'A'],
      '--export must be an id (a UUID)',
    ],
  ])('refuses %j before any request', async (args, message) => {
    const result = await runSmoke(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`smoke: ${message}\nRun with --help for usage.\n`);
  });

  it('never echoes a stray value, which may be half of a token', async () => {
    const result = await runSmoke([
      '--url',
      'https://example.com',
      '--token',
      'Bearer',
      'eyJ.secret.part',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unexpected argument');
    expect(result.stderr).not.toContain('eyJ.secret.part');
  });

  it('prints its usage, with what a smoke run changes, for --help', async () => {
    const result = await runSmoke(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: npm run smoke -- --url <app url> [options]');
    expect(result.stdout).toContain('What a smoke run changes:');
    expect(result.stderr).toBe('');
  });
});
