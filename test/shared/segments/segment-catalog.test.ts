import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { ConflictError, NotFoundError } from '../../../shared/errors';
import { SegmentCatalog } from '../../../shared/segments/segment-catalog';

const connectionString = () => process.env.AzureWebJobsStorage ?? '';
const containerName = `segment-catalog-${randomUUID().slice(0, 8)}`;

/** The blob endpoint of a connection string, e.g. http://127.0.0.1:10000/devstoreaccount1. */
function blobEndpoint(connection: string): URL {
  const endpoint = /BlobEndpoint=([^;]+)/.exec(connection)?.[1];
  if (!endpoint) throw new Error('AzureWebJobsStorage has no BlobEndpoint');
  return new URL(endpoint);
}

/** A proxy before Azurite that counts what the app downloads: each request's range and the bytes. */
async function startCountingProxy(target: URL) {
  const seen = { ranges: [] as string[], responseBytes: 0 };
  const server = http.createServer((request, response) => {
    const range = request.headers['x-ms-range'] ?? request.headers.range ?? 'whole';
    seen.ranges.push(`${request.method} ${String(range)}`);
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (chunk: Buffer) => (seen.responseBytes += chunk.length));
        answer.pipe(response);
      },
    );
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) upstream.setHeader(name, value);
    }
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxied = connectionString().replace(
    /BlobEndpoint=[^;]+/,
    `BlobEndpoint=http://127.0.0.1:${port}${target.pathname}`,
  );
  return {
    seen,
    reset: () => {
      seen.ranges = [];
      seen.responseBytes = 0;
    },
    container: BlobServiceClient.fromConnectionString(proxied).getContainerClient(containerName),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** CSV rows of random values, which barely compress: about `bytes` long. */
function csvRows(bytes: number): string {
  const random = randomBytes(Math.ceil(bytes * 0.6)).toString('base64');
  const rows: string[] = [];
  for (let offset = 0, index = 0; offset < random.length; offset += 40, index++) {
    rows.push(
      `${random.slice(offset, offset + 16)}@example.com,${random.slice(offset + 16, offset + 40)},${index}\r\n`,
    );
  }
  return rows.join('');
}

describe('SegmentCatalog', () => {
  const tenant = `tenant-${randomUUID()}`;
  let container: ContainerClient;
  let catalog: SegmentCatalog;

  async function put(name: string, body: string | Buffer, folder = tenant) {
    const blob = container.getBlockBlobClient(`${folder}/${name}`);
    await blob.uploadData(Buffer.from(body));
    return blob.getProperties();
  }

  beforeAll(async () => {
    container =
      BlobServiceClient.fromConnectionString(connectionString()).getContainerClient(containerName);
    await container.create();
    catalog = new SegmentCatalog(container);
  });
  afterAll(() => container.delete());

  describe('get', () => {
    it('reads a CSV header behind a BOM with CRLF line ends, with size and last-modified time', async () => {
      const properties = await put('With BOM.csv', '\ufeffemail,First Name\r\na@x.io,Ann\r\n');
      expect(await catalog.get(tenant, 'With BOM')).toEqual({
        name: 'With BOM',
        format: 'csv',
        compressed: false,
        columns: ['email', 'First Name'],
        sizeBytes: properties.contentLength,
        updatedAt: properties.lastModified?.toISOString(),
      });
      expect(properties.contentLength).toBe(3 + 18 + 12); // the BOM is 3 bytes
    });

    it('reads a quoted header with commas, line breaks and doubled quotes', async () => {
      await put('Quoted.csv', '"e-mail","name, full","notes\nmore","say ""hi"""\n1,2,3,4\n');
      expect(await catalog.get(tenant, 'Quoted')).toMatchObject({
        columns: ['e-mail', 'name, full', 'notes\nmore', 'say "hi"'],
      });
    });

    it('reads a gzip-compressed CSV, reporting the compressed size', async () => {
      const properties = await put(
        'Zipped.csv.gz',
        zlib.gzipSync('\ufeffemail,score\n' + csvRows(5000)),
      );
      expect(await catalog.get(tenant, 'Zipped')).toEqual({
        name: 'Zipped',
        format: 'csv',
        compressed: true,
        columns: ['email', 'score'],
        sizeBytes: properties.contentLength,
        updatedAt: properties.lastModified?.toISOString(),
      });
    });

    it('unions the keys of the first JSON lines, plain or gzip-compressed with a BOM', async () => {
      const lines = [
        { email: 'a@x.io', firstName: 'Ann' },
        { email: 'b@x.io', city: 'Zürich', firstName: 'Bo' },
        { plan: 'gold', email: 'c@x.io' },
      ]
        .map((line) => JSON.stringify(line))
        .join('\r\n');
      await put('Lines.jsonl', lines);
      await put('Lines zipped.jsonl.gz', zlib.gzipSync(`\ufeff${lines}\n`));
      const columns = ['email', 'firstName', 'city', 'plan'];
      expect(await catalog.get(tenant, 'Lines')).toMatchObject({ format: 'jsonl', columns });
      expect(await catalog.get(tenant, 'Lines zipped')).toMatchObject({
        format: 'jsonl',
        compressed: true,
        columns,
      });
    });

    it('reads on past the first range when the header is longer, plain or compressed', async () => {
      // Random names barely compress, so even the gzip header spans more than the first 64 KiB.
      const columns = Array.from({ length: 5000 }, () => randomBytes(16).toString('hex'));
      const text = `${columns.join(',')}\n${csvRows(10_000)}`;
      expect(zlib.gzipSync(text).length).toBeGreaterThan(64 * 1024);
      await put('Wide.csv', text);
      await put('Wide zipped.csv.gz', zlib.gzipSync(text));
      expect((await catalog.get(tenant, 'Wide'))?.columns).toEqual(columns);
      expect((await catalog.get(tenant, 'Wide zipped'))?.columns).toEqual(columns);
    });

    it('finds names with spaces, non-ASCII letters and characters a URL must encode', async () => {
      const names = ['Kunden München', 'Клиенты 2024', 'Müller & Söhne #1 (50%)?', 'a+b=c'];
      for (const name of names) await put(`${name}.csv`, 'email\n');
      for (const name of names) {
        expect(await catalog.get(tenant, name)).toMatchObject({ name, columns: ['email'] });
      }
    });

    it('tells a segment from another whose name it starts', async () => {
      await put('Prefix.jsonl', '{"short":1}\n');
      await put('Prefix.more.csv', 'long\n');
      expect(await catalog.get(tenant, 'Prefix')).toMatchObject({ columns: ['short'] });
      expect(await catalog.get(tenant, 'Prefix.more')).toMatchObject({ columns: ['long'] });
    });

    it('returns undefined for a missing segment, another tenant’s, a deeper path or a bad name', async () => {
      await put('Theirs.csv', 'email\n', `${tenant}-other`);
      await put('archive/Old.csv', 'email\n');
      expect(await catalog.get(tenant, 'Nothing here')).toBeUndefined();
      expect(await catalog.get(tenant, 'Theirs')).toBeUndefined();
      expect(await catalog.get(tenant, 'archive/Old')).toBeUndefined();
      expect(await catalog.get(tenant, '../x')).toBeUndefined();
    });

    it('reports an empty snapshot, a broken gzip stream and JSON lines without an object', async () => {
      await put('Empty.csv', '');
      await put('Not gzip.csv.gz', 'email\na@x.io\n');
      await put('Bad lines.jsonl', '["a@x.io"]\n{email}\n');
      expect(await catalog.get(tenant, 'Empty')).toMatchObject({
        columns: [],
        sizeBytes: 0,
        problem: { code: 'EmptyHeader' },
      });
      expect(await catalog.get(tenant, 'Not gzip')).toMatchObject({
        columns: [],
        problem: { code: 'UnreadableHeader', message: expect.stringContaining('gzip') as unknown },
      });
      expect(await catalog.get(tenant, 'Bad lines')).toMatchObject({
        columns: [],
        problem: {
          code: 'UnreadableHeader',
          message: 'Line 1 of the snapshot is not a JSON object.',
        },
      });
    });

    it('reads the columns of JSON lines past a broken line, which the export rejects alone', async () => {
      await put(
        'Some bad lines.jsonl',
        '{"email":"a@x.io"}\n{email}\n{"email":"b@x.io","city":"Oslo"}\n',
      );
      expect(await catalog.get(tenant, 'Some bad lines')).toMatchObject({
        columns: ['email', 'city'],
      });
      expect(await catalog.get(tenant, 'Some bad lines')).not.toHaveProperty('problem');
    });

    it('refuses a header longer than 1 MiB instead of reading on', async () => {
      await put('Too wide.csv', `${'x'.repeat(1024 * 1024 + 10)}\n`);
      expect(await catalog.get(tenant, 'Too wide')).toMatchObject({
        columns: [],
        problem: { code: 'HeaderTooLong' },
      });
    });
  });

  describe('list', () => {
    it('lists the tenant’s segments by name, without other folders, deeper paths or other files', async () => {
      const own = `listed-${randomUUID()}`;
      await put('Segment 10.csv', 'email\n', own);
      await put('segment 2.jsonl', '{"email":"a@x.io"}\n', own);
      await put('Älter.csv.gz', zlib.gzipSync('email,age\n'), own);
      await put('archive/Segment 1.csv', 'email\n', own);
      await put('readme.txt', 'not a segment', own);
      await put('Segment 3.csv', 'email\n', `${own}2`);
      await put('Segment 4.csv', 'email\n', `other/${own}`);
      const segments = await catalog.list(own);
      expect(segments.map((segment) => segment.name)).toEqual(['Älter', 'segment 2', 'Segment 10']);
      expect(segments[0]).toMatchObject({
        format: 'csv',
        compressed: true,
        columns: ['email', 'age'],
      });
    });

    it('pages the segments in name order after the last name of the previous page', async () => {
      const own = `paged-${randomUUID()}`;
      for (const name of ['Segment 10', 'segment 2', 'Älter', 'Beta', 'Segment 3'])
        await put(`${name}.csv`, 'email\n', own);
      const names = async (top: number, after?: string) => {
        const page = await catalog.page(own, top, after);
        return { names: page.value.map((segment) => segment.name), more: page.more };
      };
      expect(await names(2)).toEqual({ names: ['Älter', 'Beta'], more: true });
      expect(await names(2, 'Beta')).toEqual({ names: ['segment 2', 'Segment 3'], more: true });
      expect(await names(2, 'Segment 3')).toEqual({ names: ['Segment 10'], more: false });
      // A name that is no segment (deleted since) still marks where the next page starts.
      expect(await names(5, 'Gamma')).toEqual({
        names: ['segment 2', 'Segment 3', 'Segment 10'],
        more: false,
      });
      expect(await names(3)).toEqual({ names: ['Älter', 'Beta', 'segment 2'], more: true });
    });

    it('shows a segment held by two blobs as ambiguous, and the pipeline refuses it', async () => {
      const own = `ambiguous-${randomUUID()}`;
      await put('Twice.csv', 'email\n', own);
      await put('Twice.jsonl', '{"email":"a@x.io"}\n', own);
      const problem = {
        code: 'AmbiguousSnapshot',
        message: expect.stringContaining('"Twice.csv", "Twice.jsonl"') as unknown,
      };
      expect(await catalog.list(own)).toEqual([
        expect.objectContaining({ name: 'Twice', columns: [], problem }),
      ]);
      expect(await catalog.get(own, 'Twice')).toMatchObject({ problem });
      await expect(catalog.snapshot(own, 'Twice')).rejects.toBeInstanceOf(ConflictError);
    });

    it('answers an empty list for a tenant without snapshots or without a container', async () => {
      expect(await catalog.list(`nobody-${randomUUID()}`)).toEqual([]);
      const missing = BlobServiceClient.fromConnectionString(connectionString()).getContainerClient(
        `missing-${randomUUID().slice(0, 8)}`,
      );
      expect(await new SegmentCatalog(missing).list(tenant)).toEqual([]);
      expect(await new SegmentCatalog(missing).get(tenant, 'With BOM')).toBeUndefined();
    });
  });

  describe('snapshot', () => {
    it('gives the pipeline the blob name and the version its columns came from', async () => {
      const properties = await put('For pipeline.csv', 'email,plan\n');
      const snapshot = await catalog.snapshot(tenant, 'For pipeline');
      expect(snapshot).toMatchObject({
        name: 'For pipeline',
        columns: ['email', 'plan'],
        blobName: `${tenant}/For pipeline.csv`,
        etag: properties.etag,
      });
      const downloaded = await container.getBlobClient(snapshot.blobName).downloadToBuffer();
      expect(downloaded.toString()).toBe('email,plan\n');
    });

    it('refuses a missing snapshot with NotFoundError and an unreadable one with ConflictError', async () => {
      await expect(catalog.snapshot(tenant, 'Nothing here')).rejects.toBeInstanceOf(NotFoundError);
      await expect(catalog.snapshot(tenant, 'Empty')).rejects.toMatchObject({
        status: 409,
        options: { target: 'name', details: [{ code: 'EmptyHeader', target: 'Empty' }] },
      });
    });
  });

  describe('reading without downloading whole blobs', () => {
    let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
    beforeAll(async () => {
      proxy = await startCountingProxy(blobEndpoint(connectionString()));
    });
    afterAll(() => proxy.close());
    beforeEach(() => proxy.reset());

    it('reads the columns of a 5 MB CSV with one 64 KiB range', async () => {
      const properties = await put('Large.csv', `email,token,row\r\n${csvRows(5 * 1024 * 1024)}`);
      expect(properties.contentLength).toBeGreaterThan(5 * 1024 * 1024);
      const segment = await new SegmentCatalog(proxy.container).get(tenant, 'Large');
      expect(segment).toMatchObject({
        columns: ['email', 'token', 'row'],
        sizeBytes: properties.contentLength,
      });
      expect(proxy.seen.ranges.filter((range) => range.startsWith('GET bytes'))).toEqual([
        'GET bytes=0-65535',
      ]);
      expect(proxy.seen.responseBytes).toBeLessThan(80 * 1024);
    });

    it('reads the columns of a 5 MB gzip-compressed CSV with one 64 KiB range', async () => {
      const compressed = zlib.gzipSync(`email,token,row\n${csvRows(7 * 1024 * 1024)}`);
      expect(compressed.length).toBeGreaterThan(5 * 1024 * 1024);
      await put('Large zipped.csv.gz', compressed);
      const segment = await new SegmentCatalog(proxy.container).get(tenant, 'Large zipped');
      expect(segment).toMatchObject({ columns: ['email', 'token', 'row'], compressed: true });
      expect(proxy.seen.responseBytes).toBeLessThan(80 * 1024);
    });

    it('grows each further range by what it read so far, appending rather than rereading', async () => {
      await put('Grown.csv', `${'c'.repeat(200)},last\nvalue\n`);
      const small = new SegmentCatalog(proxy.container, {
        firstRangeBytes: 16,
        maxHeadBytes: 1024,
      });
      expect((await small.get(tenant, 'Grown'))?.columns).toEqual(['c'.repeat(200), 'last']);
      expect(proxy.seen.ranges.filter((range) => range.startsWith('GET bytes'))).toEqual([
        'GET bytes=0-15',
        'GET bytes=16-31',
        'GET bytes=32-63',
        'GET bytes=64-127',
        'GET bytes=128-255',
      ]);
    });
  });
});
