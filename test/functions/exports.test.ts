import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { startAppStack, type AppStack } from '../support/app-stack';

const tenant = `exports-tenant-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: tenant };
const contributor = { roles: ['Contributor'], tid: tenant, oid: 'contributor-1' };
const viewer = { roles: ['Viewer'], tid: tenant };

async function uploadSegment(storage: string, name: string, content: string) {
  const blobs = BlobServiceClient.fromConnectionString(storage);
  const blob = blobs.getContainerClient('segments').getBlockBlobClient(`${tenant}/${name}`);
  await blob.upload(content, Buffer.byteLength(content));
}

interface ErrorBody {
  error: {
    code: string;
    message: string;
    target?: string;
    details?: { code: string; target: string; message: string }[];
  };
}

describe('exports and runs API', () => {
  const key = randomBytes(16).toString('hex');
  let stack: AppStack;
  let closedConnection: string;
  let openConnection: string;
  let counter = 0;

  const validExport = (overrides: Record<string, unknown> = {}) => ({
    displayName: `Export ${++counter}`,
    connectionId: openConnection,
    segments: ['Newsletter subscribers', 'VIP'],
    emailField: 'email',
    dataFields: { firstName: 'first_name' },
    ...overrides,
  });

  async function createExport(
    overrides: Record<string, unknown> = {},
    as: Record<string, unknown> = admin,
  ) {
    return stack.call('POST', 'exports', { as, body: validExport(overrides) });
  }

  function expectInvalid(
    response: { status: number; json: () => Record<string, unknown> },
    code: string,
    target: string,
  ) {
    expect(response.status).toBe(400);
    const body = response.json() as unknown as ErrorBody;
    expect(body.error.details ?? [body.error]).toContainEqual(
      expect.objectContaining({ code, target }),
    );
    return body;
  }

  beforeAll(async () => {
    // Runs stay queued here: this file is about requesting them, the pipeline has its own tests.
    stack = await startAppStack({
      apiKeys: [key],
      env: {
        'AzureWebJobs.plan-run.Disabled': 'true',
        'AzureWebJobs.plan-run-on-demand.Disabled': 'true',
      },
    });
    await uploadSegment(
      stack.storage,
      'Newsletter subscribers.csv',
      'email,first_name,City\r\nann@example.com,Ann,Utrecht\r\n',
    );
    await uploadSegment(
      stack.storage,
      'VIP.jsonl',
      '{"email":"bo@example.com","first_name":"Bo","tier":"gold"}\n',
    );
    await uploadSegment(stack.storage, 'No email.csv', 'mail,first_name\nx@example.com,X\n');
    const create = async (displayName: string, allowContributors: boolean) =>
      (
        await stack.call('POST', 'connections', {
          as: admin,
          body: {
            displayName,
            apiKey: key,
            allowContributors,
            consent: { accepted: true },
            addSelfAsExportUser: false,
          },
        })
      ).json().id as string;
    closedConnection = await create('Closed', false);
    openConnection = await create('Open', true);
  });
  afterAll(() => stack.stop());
  // A list has one owner: most tests save an export of the same segments, so each test starts
  // with the exports of the one before deleted, which releases their lists.
  beforeEach(async () => {
    const page = await stack.call('GET', 'exports?top=100', { as: admin });
    for (const { id } of page.json().value as { id: string }[])
      expect((await stack.call('DELETE', `exports/${id}`, { as: admin })).status).toBe(204);
  });

  describe('POST /api/exports', () => {
    it('saves an export with defaults and sends nothing to Iterable', async () => {
      stack.iterable.reset();
      stack.iterable.addApiKey(key);
      const response = await createExport({ displayName: 'Weekly' });
      expect(response.status).toBe(201);
      expect(response.json()).toMatchObject({
        displayName: 'Weekly',
        connectionId: openConnection,
        segments: ['Newsletter subscribers', 'VIP'],
        syncMode: 'mirror',
        schedule: { mode: 'refresh' },
        enabled: true,
      });
      expect(stack.iterable.stats().requests).toEqual({});
      const runs = await stack.call('GET', `exports/${String(response.json().id)}/runs`, {
        as: admin,
      });
      expect(runs.json().value).toEqual([]);
    });

    it('refuses a connection that does not exist', async () => {
      expectInvalid(
        await createExport({ connectionId: '00000000-0000-4000-8000-000000000000' }),
        'ConnectionNotFound',
        'connectionId',
      );
    });

    it('refuses a contributor a connection that does not allow contributors', async () => {
      expectInvalid(
        await createExport({ connectionId: closedConnection }, contributor),
        'ConnectionNotFound',
        'connectionId',
      );
      expect((await createExport({}, contributor)).status).toBe(201);
    });

    it('names a segment that does not exist', async () => {
      const body = expectInvalid(
        await createExport({ segments: ['VIP', 'Gone'] }),
        'SegmentNotFound',
        'segments[1]',
      );
      expect(body.error.message).toContain('"Gone"');
    });

    it('names the segment and column when the e-mail field is missing', async () => {
      const body = expectInvalid(
        await createExport({ segments: ['VIP', 'No email'] }),
        'ColumnNotFound',
        'emailField',
      );
      expect(body.error.message).toBe('Segment "No email" has no column "email".');
    });

    it('names the segment and column of a mapped field that is missing', async () => {
      const body = expectInvalid(
        await createExport({ dataFields: { tier: 'tier' } }),
        'ColumnNotFound',
        'dataFields.tier',
      );
      expect(body.error.message).toBe('Segment "Newsletter subscribers" has no column "tier".');
    });

    it.each([
      [{ dataFields: { 'first.name': 'first_name' } }, 'InvalidField', 'dataFields.first.name'],
      [{ dataFields: { email: 'email' } }, 'InvalidField', 'dataFields.email'],
      [
        { schedule: { mode: 'custom', cron: 'every day', timeZone: 'Europe/Amsterdam' } },
        'InvalidField',
        'schedule.cron',
      ],
      [
        { schedule: { mode: 'custom', cron: '0 6 * * *', timeZone: 'Mars/Olympus' } },
        'InvalidField',
        'schedule.timeZone',
      ],
      [{ schedule: { mode: 'custom', timeZone: 'UTC' } }, 'MissingField', 'schedule.cron'],
      [{ schedule: { mode: 'weekly' } }, 'InvalidField', 'schedule.mode'],
      [{ syncMode: 'replace' }, 'InvalidField', 'syncMode'],
      [{ segments: [] }, 'InvalidField', 'segments'],
      [{ segments: ['VIP', 'VIP'] }, 'InvalidField', 'segments'],
      [{ emailField: '' }, 'InvalidField', 'emailField'],
      [{ runNow: true }, 'UnknownField', 'runNow'],
    ])('refuses %j with %s on %s', async (overrides, code, target) => {
      expectInvalid(await createExport(overrides), code, target);
    });

    it('accepts a custom schedule with a cron and an IANA time zone', async () => {
      const response = await createExport({
        schedule: { mode: 'custom', cron: '30 6 * * 1-5', timeZone: 'America/New_York' },
      });
      expect(response.status).toBe(201);
    });
  });

  describe('nextRunAt', () => {
    const quarterHour = { mode: 'custom', cron: '*/15 * * * *', timeZone: 'UTC' };

    it('shows when an export runs next on its own schedule, on create, read, list and change', async () => {
      const before = Date.now();
      const created = await createExport({ schedule: quarterHour });
      const next = Date.parse(String(created.json().nextRunAt));
      // The next quarter hour after now, in UTC.
      expect(next % (15 * 60_000)).toBe(0);
      expect(next).toBeGreaterThan(before);
      expect(next).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
      const id = String(created.json().id);
      expect((await stack.call('GET', `exports/${id}`, { as: viewer })).json().nextRunAt).toBe(
        created.json().nextRunAt,
      );
      const listed = (await stack.call('GET', 'exports', { as: viewer })).json().value as {
        id: string;
        nextRunAt: string | null;
      }[];
      expect(listed.find((item) => item.id === id)?.nextRunAt).toBe(created.json().nextRunAt);
      const daily = await stack.call('PATCH', `exports/${id}`, {
        as: admin,
        body: { schedule: { mode: 'custom', cron: '0 6 * * *', timeZone: 'Asia/Tokyo' } },
      });
      // 06:00 in Tokyo is 21:00 UTC.
      expect(String(daily.json().nextRunAt)).toMatch(/T21:00:00\.000Z$/);
    });

    it('is null while the export will not run on a schedule', async () => {
      const off = await createExport({ schedule: { mode: 'off' } });
      expect(off.json().nextRunAt).toBeNull();
      const id = String(off.json().id);
      const custom = await stack.call('PATCH', `exports/${id}`, {
        as: admin,
        body: { schedule: quarterHour },
      });
      expect(custom.json().nextRunAt).toEqual(expect.any(String));
      const disabled = await stack.call('PATCH', `exports/${id}`, {
        as: admin,
        body: { enabled: false },
      });
      expect(disabled.json().nextRunAt).toBeNull();
      // This tenant sets no refresh schedule: a refresh export runs only when asked to.
      const refresh = await createExport({
        schedule: { mode: 'refresh' },
        segments: ['No email'],
        emailField: 'mail',
        dataFields: {},
      });
      expect(refresh.status).toBe(201);
      expect(refresh.json().nextRunAt).toBeNull();
    });
  });

  describe('changing and deleting exports', () => {
    it('validates a change as on create and records it in the audit', async () => {
      const { id } = (await createExport()).json() as { id: string };
      expectInvalid(
        await stack.call('PATCH', `exports/${id}`, { as: admin, body: { emailField: 'mail' } }),
        'ColumnNotFound',
        'emailField',
      );
      const changed = await stack.call('PATCH', `exports/${id}`, {
        as: admin,
        body: { syncMode: 'addOnly', displayName: 'Changed' },
      });
      expect(changed.json()).toMatchObject({ syncMode: 'addOnly', displayName: 'Changed' });
      const audit = (await stack.call('GET', 'audit?top=1', { as: admin })).json().value as {
        action: string;
        resourceId: string;
      }[];
      expect(audit[0]).toMatchObject({ action: 'export.update', resourceId: id });
    });

    it('lets a contributor change only exports on connections they may use, and viewers nothing', async () => {
      const { id } = (await createExport({ connectionId: closedConnection })).json() as {
        id: string;
      };
      expect(
        (
          await stack.call('PATCH', `exports/${id}`, {
            as: contributor,
            body: { displayName: 'Mine' },
          })
        ).status,
      ).toBe(403);
      expect((await stack.call('DELETE', `exports/${id}`, { as: contributor })).status).toBe(403);
      expect(
        (await stack.call('POST', `exports/${id}/runs`, { as: contributor, body: {} })).status,
      ).toBe(403);
      expect((await stack.call('GET', `exports/${id}`, { as: viewer })).status).toBe(200);
      expect(
        (await stack.call('POST', 'exports', { as: viewer, body: validExport() })).status,
      ).toBe(403);
    });

    it('deletes an export, cancelling its active run', async () => {
      const { id } = (await createExport()).json() as { id: string };
      const run = (
        await stack.call('POST', `exports/${id}/runs`, { as: admin, body: {} })
      ).json() as { id: string };
      expect((await stack.call('DELETE', `exports/${id}`, { as: admin })).status).toBe(204);
      expect((await stack.call('GET', `exports/${id}`, { as: admin })).status).toBe(404);
      const after = await stack.call('GET', `exports/${id}/runs/${run.id}`, { as: admin });
      expect(after.json()).toMatchObject({ status: 'cancelled' });
    });

    it('answers 404 for another tenant\u2019s export', async () => {
      const { id } = (await createExport()).json() as { id: string };
      const stranger = { roles: ['Admin'], tid: 'another-exports-tenant' };
      expect((await stack.call('GET', `exports/${id}`, { as: stranger })).status).toBe(404);
      expect(
        (await stack.call('POST', `exports/${id}/runs`, { as: stranger, body: {} })).status,
      ).toBe(404);
    });
  });

  describe('runs', () => {
    it('queues a run with 202, Operation-Location and a message that carries only references', async () => {
      const { id } = (await createExport()).json() as { id: string };
      const response = await stack.call('POST', `exports/${id}/runs`, {
        as: admin,
        body: { mode: 'full', dryRun: true },
      });
      expect(response.status).toBe(202);
      const run = response.json() as { id: string };
      expect(response.headers.get('operation-location')).toMatch(
        new RegExp(`/api/exports/${id}/runs/${run.id}$`),
      );
      expect(run).toMatchObject({
        exportId: id,
        trigger: 'manual',
        requestedBy: '22222222-2222-4222-8222-222222222222',
        mode: 'full',
        dryRun: true,
        status: 'queued',
        percentComplete: 0,
        counts: {
          total: 0,
          added: 0,
          updated: 0,
          removed: 0,
          unchanged: 0,
          rejected: 0,
          failed: 0,
          duplicates: 0,
        },
        segments: [{ name: 'Newsletter subscribers' }, { name: 'VIP' }],
      });
      const fetched = await stack.call(
        'GET',
        response.headers.get('operation-location')!.replace(/^.*\/api\//, ''),
        { as: viewer },
      );
      expect(fetched.json()).toEqual(run);
      const queue = new QueueClient(stack.storage, 'export-runs-on-demand');
      const { peekedMessageItems } = await queue.peekMessages({ numberOfMessages: 32 });
      const messages = peekedMessageItems.map(
        (m) =>
          JSON.parse(Buffer.from(m.messageText, 'base64').toString()) as Record<string, unknown>,
      );
      expect(messages).toContainEqual({
        tenantId: tenant,
        exportId: id,
        runId: run.id,
        schemaVersion: 1,
      });
    });

    it('takes a request without a body as the defaults, and checks a body that is there', async () => {
      const { id } = (await createExport()).json() as { id: string };
      const token = await stack.token(admin);
      const cancel = (runId: string) =>
        stack.call('POST', `exports/${id}/runs/${runId}/cancel`, { token });
      const contentTypes: Record<string, string>[] = [
        {},
        { 'content-type': 'application/json' },
        { 'content-type': 'text/plain' },
      ];
      for (const headers of contentTypes) {
        const started = await stack.call('POST', `exports/${id}/runs`, {
          token,
          headers,
          rawBody: '',
        });
        expect(started.status).toBe(202);
        expect(started.json()).toMatchObject({ mode: 'delta', dryRun: false, status: 'queued' });
        expect((await cancel(String(started.json().id))).status).toBe(200);
      }
      const noBody = await stack.call('POST', `exports/${id}/runs`, { token });
      expect(noBody.status).toBe(202);
      expect((await cancel(String(noBody.json().id))).status).toBe(200);
      expectInvalid(
        await stack.call('POST', `exports/${id}/runs`, { token, body: { mode: 'sometimes' } }),
        'InvalidField',
        'mode',
      );
      expectInvalid(
        await stack.call('POST', `exports/${id}/runs`, { token, body: { dryrun: true } }),
        'UnknownField',
        'dryrun',
      );
      const malformed = await stack.call('POST', `exports/${id}/runs`, {
        token,
        headers: { 'content-type': 'application/json' },
        rawBody: '{"mode":',
      });
      expect(malformed.status).toBe(400);
      expect((malformed.json() as unknown as ErrorBody).error.message).toContain('not valid JSON');
      const notJson = await stack.call('POST', `exports/${id}/runs`, {
        token,
        headers: { 'content-type': 'text/plain' },
        rawBody: '{}',
      });
      expect(notJson.status).toBe(415);
    });

    it('answers Retry-After while a run is still going, and none once it has ended', async () => {
      const { id } = (await createExport()).json() as { id: string };
      const started = await stack.call('POST', `exports/${id}/runs`, { as: admin });
      expect(started.headers.get('retry-after')).toBe('5');
      const runId = String(started.json().id);
      const queued = await stack.call('GET', `exports/${id}/runs/${runId}`, { as: viewer });
      expect(queued.json().status).toBe('queued');
      expect(queued.headers.get('retry-after')).toBe('5');
      await stack.call('POST', `exports/${id}/runs/${runId}/cancel`, { as: admin });
      const ended = await stack.call('GET', `exports/${id}/runs/${runId}`, { as: viewer });
      expect(ended.json().status).toBe('cancelled');
      expect(ended.headers.get('retry-after')).toBeNull();
    });

    it('answers 409 with the active run while one is active, and lets a new run start after cancel', async () => {
      const { id } = (await createExport()).json() as { id: string };
      const first = (
        await stack.call('POST', `exports/${id}/runs`, { as: admin, body: {} })
      ).json() as { id: string };
      const second = await stack.call('POST', `exports/${id}/runs`, { as: admin, body: {} });
      expect(second.status).toBe(409);
      expect(second.json()).toMatchObject({
        error: {
          code: 'RunActive',
          details: [{ target: first.id }],
          innererror: { activeRun: { id: first.id, status: 'queued' } },
        },
      });
      const cancelled = await stack.call('POST', `exports/${id}/runs/${first.id}/cancel`, {
        as: admin,
      });
      expect(cancelled.json()).toMatchObject({
        status: 'cancelled',
        finishedAt: expect.any(String) as unknown,
      });
      expect(
        (await stack.call('POST', `exports/${id}/runs/${first.id}/cancel`, { as: admin })).status,
      ).toBe(409);
      const third = await stack.call('POST', `exports/${id}/runs`, { as: admin, body: {} });
      expect(third.status).toBe(202);
      const list = (await stack.call('GET', `exports/${id}/runs`, { as: viewer })).json().value as {
        id: string;
      }[];
      expect(list.map((run) => run.id)).toEqual([third.json().id, first.id]);
    });

    it('starts exactly one run for two concurrent requests', async () => {
      const { id } = (await createExport()).json() as { id: string };
      const token = await stack.token(admin);
      const responses = await Promise.all(
        [0, 1, 2, 3].map(() => stack.call('POST', `exports/${id}/runs`, { token, body: {} })),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([202, 409, 409, 409]);
      const list = (await stack.call('GET', `exports/${id}/runs`, { as: admin })).json()
        .value as unknown[];
      expect(list).toHaveLength(1);
    });

    it('pages runs newest first', async () => {
      const { id } = (await createExport()).json() as { id: string };
      const ids: string[] = [];
      for (let index = 0; index < 3; index++) {
        const run = (
          await stack.call('POST', `exports/${id}/runs`, { as: admin, body: {} })
        ).json() as { id: string };
        ids.unshift(run.id);
        await stack.call('POST', `exports/${id}/runs/${run.id}/cancel`, { as: admin });
      }
      const page1 = (await stack.call('GET', `exports/${id}/runs?top=2`, { as: admin })).json() as {
        value: { id: string }[];
        nextLink: string;
      };
      expect(page1.value.map((run) => run.id)).toEqual(ids.slice(0, 2));
      const page2 = (
        await stack.call('GET', `exports/${id}/runs${new URL(page1.nextLink).search}`, {
          as: admin,
        })
      ).json() as { value: { id: string }[] };
      expect(page2.value.map((run) => run.id)).toEqual(ids.slice(2));
    });
  });

  describe('tenant refresh schedule', () => {
    const scheduleTenant = { roles: ['Admin'], tid: `schedule-${randomBytes(3).toString('hex')}` };

    it('is 404 until set, validated, and readable by every role', async () => {
      expect((await stack.call('GET', 'schedule', { as: scheduleTenant })).status).toBe(404);
      expectInvalid(
        await stack.call('PUT', 'schedule', {
          as: scheduleTenant,
          body: { cron: '61 * * * *', timeZone: 'UTC' },
        }),
        'InvalidField',
        'cron',
      );
      expectInvalid(
        await stack.call('PUT', 'schedule', {
          as: scheduleTenant,
          body: { cron: '0 6 * * *', timeZone: 'Nowhere/City' },
        }),
        'InvalidField',
        'timeZone',
      );
      expectInvalid(
        await stack.call('PUT', 'schedule', { as: scheduleTenant, body: { cron: '0 6 * * *' } }),
        'MissingField',
        'timeZone',
      );
      const saved = await stack.call('PUT', 'schedule', {
        as: scheduleTenant,
        body: { cron: '0 */4 * * *', timeZone: 'Europe/Amsterdam' },
      });
      expect(saved.status).toBe(200);
      const read = await stack.call('GET', 'schedule', {
        as: { ...scheduleTenant, roles: ['Viewer'] },
      });
      expect(read.json()).toMatchObject({ cron: '0 */4 * * *', timeZone: 'Europe/Amsterdam' });
      expect(
        (
          await stack.call('PUT', 'schedule', {
            as: { ...scheduleTenant, roles: ['Contributor'] },
            body: { cron: '0 6 * * *', timeZone: 'UTC' },
          })
        ).status,
      ).toBe(403);
    });
  });
});
