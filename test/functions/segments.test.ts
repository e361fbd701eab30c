import { randomUUID } from 'node:crypto';
import zlib from 'node:zlib';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { segmentsContainerName } from '../../shared/storage-layout';
import { startAppStack, type AppStack } from '../support/app-stack';

describe('segments API', () => {
  const tid = `segments-tenant-${randomUUID()}`;
  const viewer = { roles: ['Viewer'], tid };
  let stack: AppStack;
  let container: ContainerClient;

  async function put(name: string, body: string | Buffer, folder = tid) {
    const blob = container.getBlockBlobClient(`${folder}/${name}`);
    await blob.uploadData(Buffer.from(body));
    return blob.getProperties();
  }

  beforeAll(async () => {
    // SEGMENTS_STORAGE defaults to AzureWebJobsStorage, which startAppStack provisions.
    stack = await startAppStack();
    container = BlobServiceClient.fromConnectionString(stack.storage).getContainerClient(
      segmentsContainerName,
    );
    await put('VIP customers.csv', '\ufeffemail,First Name\r\na@x.io,Ann\r\n');
    await put('Kunden München.jsonl.gz', zlib.gzipSync('{"email":"a@x.io","stadt":"München"}\n'));
    await put('Müller & Söhne #1 (50%)?.csv', 'email\n');
    await put('Broken.jsonl', 'not json\n');
    await put('archive/Old.csv', 'email\n');
    await put('Theirs.csv', 'email\n', `${tid}-other`);
  }, 120_000);
  afterAll(() => stack?.stop());

  describe('GET /api/segments', () => {
    it('lists the tenant’s segments by name for every role, with columns, size and time', async () => {
      for (const roles of [['Viewer'], ['Contributor'], ['Admin']]) {
        const response = await stack.call('GET', 'segments', { as: { roles, tid } });
        expect(response.status).toBe(200);
        const { value } = response.json() as { value: { name: string }[] };
        expect(value.map((segment) => segment.name)).toEqual([
          'Broken',
          'Kunden München',
          'Müller & Söhne #1 (50%)?',
          'VIP customers',
        ]);
      }
      const properties = await container.getBlobClient(`${tid}/VIP customers.csv`).getProperties();
      const { value } = (await stack.call('GET', 'segments', { as: viewer })).json() as {
        value: unknown[];
      };
      expect(value).toContainEqual({
        name: 'VIP customers',
        format: 'csv',
        compressed: false,
        columns: ['email', 'First Name'],
        sizeBytes: properties.contentLength,
        updatedAt: properties.lastModified?.toISOString(),
      });
      expect(value).toContainEqual(
        expect.objectContaining({
          name: 'Broken',
          columns: [],
          problem: { code: 'UnreadableHeader', message: 'Line 1 of the snapshot is not JSON.' },
        }),
      );
    });

    it('answers an empty list to a tenant without snapshots', async () => {
      const response = await stack.call('GET', 'segments', {
        as: { roles: ['Admin'], tid: `segments-empty-${randomUUID()}` },
      });
      expect(response.json()).toEqual({ value: [] });
    });

    it('answers 401 without a token', async () => {
      const response = await stack.call('GET', 'segments');
      expect(response.status).toBe(401);
      expect(response.headers.get('x-ms-error-code')).toBe('Unauthorized');
    });
  });

  describe('GET /api/segments/{name}', () => {
    it('gets a segment by its URL-encoded name, non-ASCII letters included', async () => {
      const response = await stack.call('GET', `segments/${encodeURIComponent('Kunden München')}`, {
        as: viewer,
      });
      expect(response.status).toBe(200);
      expect(response.json()).toMatchObject({
        name: 'Kunden München',
        format: 'jsonl',
        compressed: true,
        columns: ['email', 'stadt'],
      });
    });

    it('gets a name holding characters that URLs reserve', async () => {
      const name = 'Müller & Söhne #1 (50%)?';
      const response = await stack.call('GET', `segments/${encodeURIComponent(name)}`, {
        as: viewer,
      });
      expect(response.status).toBe(200);
      expect(response.json()).toMatchObject({ name, columns: ['email'] });
    });

    it('answers 404 for a missing segment, another tenant’s and a deeper path’s file', async () => {
      for (const name of ['Nobody', 'Theirs', 'Old']) {
        const response = await stack.call('GET', `segments/${name}`, { as: viewer });
        expect(response.status).toBe(404);
        expect(response.json()).toEqual({
          error: {
            code: 'NotFound',
            message: `Segment ${JSON.stringify(name)} was not found.`,
            target: 'id',
          },
        });
      }
    });

    it.each([
      { label: '..%2Fx', encoded: '..%2Fx', reason: '"/"' },
      { label: 'a%2Fb', encoded: 'a%2Fb', reason: '"/"' },
      { label: 'a%5Cb', encoded: 'a%5Cb', reason: '"/"' },
      { label: 'archive%2FOld', encoded: 'archive%2FOld', reason: '"/"' },
      { label: 'tab%09name', encoded: 'tab%09name', reason: 'control characters' },
      { label: 'a 201-character name', encoded: 'x'.repeat(201), reason: 'at most 200' },
    ])('refuses $label with 400 on target name', async ({ encoded, reason }) => {
      const response = await stack.call('GET', `segments/${encoded}`, { as: viewer });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-ms-error-code')).toBe('InvalidRequest');
      expect(response.json()).toMatchObject({
        error: {
          code: 'InvalidRequest',
          target: 'name',
          message: expect.stringContaining(reason) as unknown,
          details: [{ code: 'InvalidField', target: 'name' }],
        },
      });
    });

    it('answers 401 without a token', async () => {
      expect((await stack.call('GET', 'segments/VIP%20customers')).status).toBe(401);
    });
  });

  it('describes both routes and the Segment schema in the OpenAPI document', async () => {
    const document = (await stack.call('GET', 'openapi.json')).json() as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { required?: string[] }> };
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/segments', '/api/segments/{name}']),
    );
    expect(document.components.schemas.Segment?.required).toEqual(
      expect.arrayContaining(['name', 'format', 'columns', 'sizeBytes', 'updatedAt']),
    );
  });
});
