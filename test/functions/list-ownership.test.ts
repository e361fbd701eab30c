import { randomBytes } from 'node:crypto';
import { odata, TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';

const firstTenant = `owners-a-${randomBytes(4).toString('hex')}`;
const otherTenant = `owners-b-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid: firstTenant };
const otherAdmin = { roles: ['Admin'], tid: otherTenant };
const members = ['ann@example.com', 'bo@example.com', 'cy@example.com'];

interface ErrorBody {
  error: { code: string; message: string; details?: { code: string; target: string }[] };
  innererror?: unknown;
}

/**
 * A list has one owner, through the local host, Azurite and the Iterable stand-in: a second
 * export of a list through the same Iterable key, in any tenant, is refused at saving and at run
 * time, deleting an export releases its lists, and a rotated key keeps its owners.
 */
describe('list ownership through the local host', () => {
  const key = randomBytes(16).toString('hex');
  const rotatedKey = randomBytes(16).toString('hex');
  let stack: AppStack;
  let connection: string;
  let otherTenantConnection: string;

  async function writeSegment(name: string) {
    const csv = `email\n${members.join('\n')}\n`;
    const container = BlobServiceClient.fromConnectionString(stack.storage).getContainerClient(
      'segments',
    );
    for (const tenant of [firstTenant, otherTenant])
      await container.getBlockBlobClient(`${tenant}/${name}.csv`).upload(csv, csv.length);
  }

  async function connect(as: typeof admin, displayName: string, apiKey: string) {
    const created = await stack.call('POST', 'connections', {
      as,
      body: { displayName, apiKey, consent: { accepted: true } },
    });
    expect(created.status).toBe(201);
    return String(created.json().id);
  }

  const saveExport = (as: typeof admin, connectionId: string, segment: string, name = segment) =>
    stack.call('POST', 'exports', {
      as,
      body: { displayName: name, connectionId, segments: [segment], emailField: 'email' },
    });

  async function exportOf(as: typeof admin, connectionId: string, segment: string, name?: string) {
    const created = await saveExport(as, connectionId, segment, name);
    expect(created.status).toBe(201);
    return String(created.json().id);
  }

  async function runToEnd(exportId: string) {
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin, body: {} });
    expect(started.status).toBe(202);
    const runId = String(started.json().id);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const run = (
        await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin })
      ).json();
      if (!['queued', 'planning', 'running'].includes(String(run.status))) return run;
      if (Date.now() > deadline) throw new Error(`Run still ${String(run.status)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** What an export saved before lists had owners looks like: no claim rows. */
  async function forgetClaimsOf(exportId: string) {
    const table = TableClient.fromConnectionString(stack.storage, 'listowners', {
      allowInsecureConnection: true,
    });
    let deleted = 0;
    for await (const row of table.listEntities({
      queryOptions: { filter: odata`exportId eq ${exportId}` },
    })) {
      await table.deleteEntity(row.partitionKey!, row.rowKey!);
      deleted++;
    }
    expect(deleted).toBeGreaterThan(0);
  }

  const writes = () =>
    Object.entries(stack.iterable.stats().requests)
      .filter(([endpoint]) => /subscribe/i.test(endpoint))
      .reduce((sum, [, byStatus]) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key, rotatedKey] });
    connection = await connect(admin, 'Shared key', key);
    otherTenantConnection = await connect(otherAdmin, 'Same key elsewhere', key);
  });
  afterAll(() => stack.stop());

  it('refuses a second export of a list on the same connection with 409 naming the owner', async () => {
    await writeSegment('Weekly');
    const owner = await exportOf(admin, connection, 'Weekly', 'First weekly');
    const second = await saveExport(admin, connection, 'Weekly', 'Second weekly');
    expect(second.status).toBe(409);
    const body = second.json() as unknown as ErrorBody;
    expect(body.error.code).toBe('ListTaken');
    expect(body.error.message).toContain('"First weekly"');
    expect(body.error.message).toContain(owner);
    expect(body.error.details).toContainEqual(
      expect.objectContaining({ code: 'ListTaken', target: 'segments[0]' }),
    );
  });

  it('refuses the same list through the same key in another tenant without naming the owner', async () => {
    await writeSegment('Monthly');
    const owner = await exportOf(admin, connection, 'Monthly', 'Secret monthly');
    const elsewhere = await saveExport(otherAdmin, otherTenantConnection, 'Monthly');
    expect(elsewhere.status).toBe(409);
    expect((elsewhere.json() as unknown as ErrorBody).error.code).toBe('ListTaken');
    expect(elsewhere.text).not.toContain(owner);
    expect(elsewhere.text).not.toContain('Secret monthly');
  });

  it('refuses a change of segments to a list another export owns', async () => {
    await writeSegment('Daily');
    await writeSegment('Spare');
    await exportOf(admin, connection, 'Daily');
    const other = await exportOf(admin, connection, 'Spare');
    const changed = await stack.call('PATCH', `exports/${other}`, {
      as: admin,
      body: { segments: ['Daily'] },
    });
    expect(changed.status).toBe(409);
  });

  it('releases the lists of a deleted export, so another export can take them', async () => {
    await writeSegment('Released');
    const owner = await exportOf(admin, connection, 'Released');
    expect((await saveExport(otherAdmin, otherTenantConnection, 'Released')).status).toBe(409);
    expect((await stack.call('DELETE', `exports/${owner}`, { as: admin })).status).toBe(204);
    expect((await saveExport(otherAdmin, otherTenantConnection, 'Released')).status).toBe(201);
  });

  it('keeps owners when a connection rotates its key, for the previous key and the new one', async () => {
    await writeSegment('Rotated');
    const rotating = await connect(admin, 'Rotating', key);
    await exportOf(admin, rotating, 'Rotated');
    const rotated = await stack.call('PATCH', `connections/${rotating}`, {
      as: admin,
      body: { apiKey: rotatedKey },
    });
    expect(rotated.status).toBe(200);
    // Another tenant still on the previous key, and one that takes the new key, reach the owner.
    expect((await saveExport(otherAdmin, otherTenantConnection, 'Rotated')).status).toBe(409);
    const onNewKey = await connect(otherAdmin, 'New key elsewhere', rotatedKey);
    expect((await saveExport(otherAdmin, onNewKey, 'Rotated')).status).toBe(409);
  });

  it('refuses at run time a list adopted by name that another export owns, writing nothing', async () => {
    await writeSegment('Adopted');
    const seeded = await fetch(`${stack.iterable.url}/_standin/lists`, {
      method: 'POST',
      body: JSON.stringify({ apiKey: key, name: 'Adopted' }),
    });
    expect(seeded.status).toBe(201);
    // B was saved before lists had owners; A, saved later, took the list and adopted it.
    const before = await exportOf(admin, connection, 'Adopted', 'Saved before');
    await forgetClaimsOf(before);
    const owner = await exportOf(admin, connection, 'Adopted', 'Adopting owner');
    const owned = await runToEnd(owner);
    expect(owned.status).toBe('succeeded');
    const sent = writes();
    expect(sent).toBeGreaterThan(0);

    const refused = await runToEnd(before);
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatchObject({ code: 'ListTaken' });
    expect(String((refused.error as { message: string }).message)).toContain('"Adopting owner"');
    expect(writes()).toBe(sent);
    const list = stack.iterable
      .inspect({ users: false })
      .flatMap((project) => project.lists)
      .find((entry) => entry.name === 'Adopted');
    expect(list?.members).toEqual([...members].sort());
  });

  it('lets an export saved before lists had owners claim them at its next run, where the first claim wins', async () => {
    await writeSegment('Legacy');
    const legacy = await exportOf(admin, connection, 'Legacy');
    await forgetClaimsOf(legacy);
    expect((await saveExport(otherAdmin, otherTenantConnection, 'Legacy')).status).toBe(201);
    const refused = await runToEnd(legacy);
    expect(refused.error).toMatchObject({ code: 'ListTaken' });
    expect(String((refused.error as { message: string }).message)).not.toContain(otherTenant);
  });
});
