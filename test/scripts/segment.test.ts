import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { azuriteConnectionString, startAzurite, type Azurite } from '../../local/azurite';
import { snapshotRows } from '../../shared/pipeline/planning/snapshot-download';
import { SegmentCatalog } from '../../shared/segments/segment-catalog';
import { defaultSnapshotLimits } from '../../shared/settings';
import { segmentMembers, type Member, type Rejection } from '../../shared/snapshot/segment-members';
import { segmentsContainerName } from '../../shared/storage-layout';

/** The compiled script, as `npm run segment` runs it (built by tsc, npm run build or package). */
const segmentScript = path.resolve(__dirname, '..', '..', 'dist', 'scripts', 'segment.js');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the script with only what Node needs and `env`: no storage setting of the caller leaks in. */
function runSegment(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  if (!existsSync(segmentScript))
    throw new Error(`${segmentScript} is missing: run npx tsc -p tsconfig.json first`);
  const { PATH, HOME, TMPDIR } = process.env;
  const child = spawn(process.execPath, [segmentScript, ...args], {
    env: { PATH, HOME, TMPDIR, INIT_CWD: folder, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let azurite: Azurite;
let container: ContainerClient;
let storage: Record<string, string>;
let folder: string;
let tenantCount = 0;

/** A tenant of its own for each test, so what one writes no other sees. */
function newTenant(): string {
  tenantCount++;
  return `00000000-0000-4000-8000-${String(tenantCount).padStart(12, '0')}`;
}

function file(name: string, content: string | Buffer): string {
  writeFileSync(path.join(folder, name), content);
  return name;
}

/** The segment's members as a run reads them: the catalog's snapshot, downloaded and mapped. */
async function membersAsARunReadsThem(tenantId: string, name: string, dataFields = {}) {
  const snapshot = await new SegmentCatalog(container).snapshot(tenantId, name);
  const rows = await snapshotRows(
    { segmentBlobs: container, work: container, snapshotLimits: defaultSnapshotLimits },
    snapshot,
  );
  const members: Member[] = [];
  const rejections: Rejection[] = [];
  const mapping = { emailField: 'email', dataFields };
  for await (const chunk of segmentMembers(rows, mapping, (r) => rejections.push(r))) {
    members.push(...chunk);
  }
  return { snapshot, members, rejections };
}

beforeAll(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), 'segment-files-'));
  azurite = await startAzurite({ blob: 0, queue: 0, table: 0 });
  storage = { AzureWebJobsStorage: azurite.connectionString };
  container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
    segmentsContainerName,
  );
  await container.createIfNotExists();
});

afterAll(async () => {
  await azurite?.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe('npm run segment put', () => {
  it('writes a CSV where the app reads it: the run gets its rows, e-mails normalised', async () => {
    const tenant = newTenant();
    const csv =
      '\uFEFFemail,first name\r\n Ann@Example.com ,"Ann, the first"\r\nnot-an-email,Bob\r\n';
    const put = await runSegment(
      ['put', file('members.csv', csv), '--tenant', tenant, '--name', 'VIP customers'],
      storage,
    );

    expect(put.stderr).toBe('');
    expect(put.code).toBe(0);
    expect(put.stdout).toContain(`Wrote segments/${tenant}/VIP customers.csv`);
    expect(put.stdout).toContain('columns: "email", "first name"');
    const read = await membersAsARunReadsThem(tenant, 'VIP customers', { firstName: 'first name' });
    expect(read.snapshot).toMatchObject({ format: 'csv', compressed: false });
    expect(read.members).toEqual([
      { email: 'ann@example.com', dataFields: { firstName: 'Ann, the first' } },
    ]);
    expect(read.rejections).toEqual([{ email: 'not-an-email', reason: 'invalidEmail', line: 3 }]);
  });

  it('writes a gzipped JSON lines file to SEGMENTS_STORAGE, named after the file', async () => {
    const tenant = newTenant();
    const lines = '{"email":"a@example.com","tier":"gold"}\n{"email":"b@example.com"}\n';
    // AzureWebJobsStorage names a port nothing listens on: only SEGMENTS_STORAGE may be used.
    const put = await runSegment(
      ['put', file('Churn risk.jsonl.gz', gzipSync(lines)), '--tenant', tenant],
      {
        SEGMENTS_STORAGE: azurite.connectionString,
        AzureWebJobsStorage: azuriteConnectionString({ blob: 1, queue: 1, table: 1 }),
      },
    );

    expect(put.stderr).toBe('');
    expect(put.code).toBe(0);
    expect(put.stdout).toContain(`segments/${tenant}/Churn risk.jsonl.gz`);
    expect(put.stdout).toContain('SEGMENTS_STORAGE');
    const read = await membersAsARunReadsThem(tenant, 'Churn risk', { tier: 'tier' });
    expect(read.snapshot).toMatchObject({ format: 'jsonl', compressed: true });
    expect(read.members).toEqual([
      { email: 'a@example.com', dataFields: { tier: 'gold' } },
      { email: 'b@example.com', dataFields: {} },
    ]);
  });

  it('without a storage setting writes to the Azurite of npm start, and list shows it', async () => {
    const tenant = newTenant();
    const { blob, queue, table } = azurite.ports;
    const local = { AZURITE_PORTS: `${blob},${queue},${table}` };
    const put = await runSegment(
      ['put', file('local.csv', 'email\na@example.com\n'), '--tenant', tenant],
      local,
    );
    expect(put.code).toBe(0);
    expect(put.stdout).toContain(`local Azurite of npm start (http://127.0.0.1:${blob}/`);

    const list = await runSegment(['list', '--tenant', tenant], local);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/"local"\s+csv\s+20 bytes\s+\d{4}-\d\d-\d\dT\S+\s+1 column\n/);
  });

  it('replaces the segment’s blob of another format, which would make it ambiguous', async () => {
    const tenant = newTenant();
    await runSegment(
      ['put', file('swap.csv', 'email\na@example.com\n'), '--tenant', tenant],
      storage,
    );
    const lines = gzipSync('{"email":"b@example.com"}\n');
    const put = await runSegment(
      ['put', file('swap.jsonl.gz', lines), '--tenant', tenant],
      storage,
    );

    expect(put.code).toBe(0);
    expect(put.stdout).toContain(`Removed segments/${tenant}/swap.csv`);
    const read = await membersAsARunReadsThem(tenant, 'swap');
    expect(read.members.map((member) => member.email)).toEqual(['b@example.com']);
  });

  it('writes a GUID tenant in lower case, as the app keys tenants', async () => {
    const tenant = newTenant();
    const put = await runSegment(
      ['put', file('upper.csv', 'email\na@example.com\n'), '--tenant', tenant.toUpperCase()],
      storage,
    );
    expect(put.code).toBe(0);
    expect(put.stdout).toContain(`segments/${tenant}/upper.csv`);
  });

  it('says so, exit 1, when the app cannot export what was written', async () => {
    const tenant = newTenant();
    const put = await runSegment(['put', file('empty.csv', ''), '--tenant', tenant], storage);
    expect(put.code).toBe(1);
    expect(put.stdout).toContain('The app cannot export it as it is: The snapshot is empty.');
  });

  const t = '{tenant}';
  it.each([
    [
      'a file the app does not read',
      ['put', 'members.json', '--tenant', t],
      /must end in \.csv, \.jsonl, \.csv\.gz or \.jsonl\.gz/,
    ],
    ['a missing file', ['put', 'missing.csv', '--tenant', t], /"[^"]*missing\.csv" does not exist/],
    [
      'a tenant id no folder can hold',
      ['put', 'ok.csv', '--tenant', 'a/b'],
      /--tenant cannot name a tenant folder/,
    ],
    [
      'the tenant folder ..',
      ['put', 'ok.csv', '--tenant', '..'],
      /--tenant cannot name a tenant folder/,
    ],
    ['no tenant', ['put', 'ok.csv'], /--tenant <tenant id> is required/],
    [
      'a name no segment can have',
      ['put', 'ok.csv', '--tenant', t, '--name', 'a/b'],
      /--name cannot name a segment: .*"\/"/,
    ],
    [
      'gzip without .gz',
      ['put', 'zipped.csv', '--tenant', t],
      /is gzip-compressed: its name must end in \.gz/,
    ],
    [
      '.gz that is not gzip',
      ['put', 'plain.csv.gz', '--tenant', t],
      /ends in \.gz but is not gzip-compressed/,
    ],
    ['an unknown command', ['get', 'ok.csv', '--tenant', t], /unknown command "get"/],
  ])('refuses %s (exit 2) and writes nothing', async (_case, args, message) => {
    const tenant = newTenant();
    file('ok.csv', 'email\na@example.com\n');
    file('zipped.csv', gzipSync('email\n'));
    file('plain.csv.gz', 'email\n');
    file('members.json', '{}');
    const outcome = await runSegment(
      args.map((arg) => (arg === t ? tenant : arg)),
      storage,
    );

    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(message);
    expect(outcome.stderr).toContain('Run with --help for usage.');
    expect(await new SegmentCatalog(container).list(tenant)).toEqual([]);
  });

  it('names storage that does not answer, within seconds', async () => {
    const started = Date.now();
    const outcome = await runSegment(['put', file('ok.csv', 'email\n'), '--tenant', newTenant()], {
      AzureWebJobsStorage: azuriteConnectionString({ blob: 1, queue: 1, table: 1 }),
    });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(
      /AzureWebJobsStorage \(http:\/\/127\.0\.0\.1:1\/devstoreaccount1\) could not be read \(is it running\?\)/,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('names a storage without the segments container', async () => {
    await container.delete();
    try {
      const outcome = await runSegment(['list', '--tenant', newTenant()], storage);
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toContain('has no container segments');
    } finally {
      await container.createIfNotExists();
    }
  });

  it('prints its usage with --help, and never the key of the storage', async () => {
    const help = await runSegment(['--help'], storage);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('npm run segment -- put FILE --tenant TID [--name NAME]');
    const put = await runSegment(
      ['put', file('key.csv', 'email\n'), '--tenant', newTenant()],
      storage,
    );
    expect(put.stdout).not.toContain('AccountKey');
    expect(put.stdout).not.toContain(/AccountKey=([^;]+)/.exec(azurite.connectionString)![1]);
  });
});
