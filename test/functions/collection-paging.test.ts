import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAppStack, type AppStack } from '../support/app-stack';

const key = randomBytes(16).toString('hex');
const tid = `paging-${randomBytes(4).toString('hex')}`;
const admin = { roles: ['Admin'], tid };

/** GET /api/connections and /api/exports in pages of `top`, following nextLink. */
/** Paging queries every collection refuses with 400: foreign tokens, tops out of range, strays. */
const badPageQueries = [
  '$skipToken=not-a-token',
  `$skipToken=${encodeURIComponent("' or PartitionKey ne '")}`,
  'top=0',
  'top=101',
  'top=two',
  'unknown=1',
];

describe('paging of connections and exports through the local host', () => {
  let stack: AppStack;
  let connectionIds: string[] = [];
  let exportIds: string[] = [];

  beforeAll(async () => {
    stack = await startAppStack({ apiKeys: [key] });
    for (let index = 0; index < 5; index++) {
      const created = await stack.call('POST', 'connections', {
        as: admin,
        body: {
          displayName: `Project ${index}`,
          apiKey: key,
          consent: { accepted: true },
          // A contributor may use only the even ones.
          allowContributors: index % 2 === 0,
        },
      });
      expect(created.status).toBe(201);
      connectionIds.push(created.json().id as string);
    }
    // Each export its own segment: an Iterable list has one owning export.
    const segments = BlobServiceClient.fromConnectionString(stack.storage).getContainerClient(
      'segments',
    );
    const csv = 'email\nann@example.com\n';
    for (let index = 0; index < 5; index++) {
      await segments.getBlockBlobClient(`${tid}/Weekly ${index}.csv`).upload(csv, csv.length);
      const created = await stack.call('POST', 'exports', {
        as: admin,
        body: {
          displayName: `Export ${index}`,
          connectionId: connectionIds[0],
          segments: [`Weekly ${index}`],
          emailField: 'email',
        },
      });
      expect(created.status).toBe(201);
      exportIds.push(created.json().id as string);
    }
    connectionIds = connectionIds.sort();
    exportIds = exportIds.sort();
  });
  afterAll(() => stack.stop());

  /** Every page from `route`, as the caller `as` sees them: the ids of each page. */
  async function pages(route: string, as: object): Promise<string[][]> {
    const found: string[][] = [];
    let next: string | undefined = `${stack.url}/api/${route}`;
    while (next) {
      const response = await stack.call('GET', next.slice(`${stack.url}/api/`.length), { as });
      expect(response.status).toBe(200);
      const body = response.json() as { value: { id: string }[]; nextLink?: string };
      found.push(body.value.map((item) => item.id));
      next = body.nextLink;
      if (next) expect(next.startsWith(`${stack.url}/api/${route.split('?')[0]}?`)).toBe(true);
    }
    return found;
  }

  it.each(['connections', 'exports'])('pages %s two at a time in id order', async (route) => {
    const ids = route === 'connections' ? connectionIds : exportIds;
    expect(await pages(`${route}?top=2`, admin)).toEqual([
      ids.slice(0, 2),
      ids.slice(2, 4),
      ids.slice(4),
    ]);
    expect(await pages(`${route}?top=5`, admin)).toEqual([ids]);
    expect(await pages(route, admin)).toEqual([ids]);
  });

  it('pages only the connections a contributor may use, still `top` a page', async () => {
    const contributor = { roles: ['Contributor'], tid, oid: 'someone' };
    const all = await pages('connections', contributor);
    expect(all.flat()).toHaveLength(3);
    expect(await pages('connections?top=2', contributor)).toEqual([
      all.flat().slice(0, 2),
      all.flat().slice(2),
    ]);
  });

  /** Requests a run of `exportId` and waits until it has ended. */
  async function runToEnd(exportId: string): Promise<string> {
    const started = await stack.call('POST', `exports/${exportId}/runs`, { as: admin });
    expect(started.status).toBe(202);
    const runId = String(started.json().id);
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      const run = await stack.call('GET', `exports/${exportId}/runs/${runId}`, { as: admin });
      if (run.headers.get('retry-after') === null) return runId;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`Run ${runId} did not end:\n${stack.host.output().slice(-3000)}`);
  }

  /** Every page of a collection that is not in id order: each page's items, by `key`. */
  async function pagesOf(route: string, key: string): Promise<unknown[][]> {
    const found: unknown[][] = [];
    let next: string | undefined = `${stack.url}/api/${route}`;
    while (next) {
      const response = await stack.call('GET', next.slice(`${stack.url}/api/`.length), {
        as: admin,
      });
      expect(response.status).toBe(200);
      const body = response.json() as { value: Record<string, unknown>[]; nextLink?: string };
      found.push(body.value.map((item) => item[key]));
      next = body.nextLink;
    }
    return found;
  }

  describe('every other collection', () => {
    let exportId: string;
    let runIds: string[];

    beforeAll(async () => {
      // A segment of one member and three refused rows: a run with three rejections.
      const segments = BlobServiceClient.fromConnectionString(stack.storage).getContainerClient(
        'segments',
      );
      const csv = 'email\nbo@example.com\nnot-an-email\nalso-not\nnope\n';
      await segments.getBlockBlobClient(`${tid}/Refused rows.csv`).upload(csv, csv.length);
      const created = await stack.call('POST', 'exports', {
        as: admin,
        body: {
          displayName: 'Refused rows',
          connectionId: connectionIds[0],
          segments: ['Refused rows'],
          emailField: 'email',
        },
      });
      expect(created.status).toBe(201);
      exportId = String(created.json().id);
      runIds = [await runToEnd(exportId), await runToEnd(exportId)].reverse();
      // Webhooks of an event no test here causes: nothing is ever delivered.
      for (let index = 0; index < 3; index++) {
        const webhook = await stack.call('POST', 'webhooks', {
          as: admin,
          body: {
            url: `https://93.184.215.14/hooks/${index}`,
            secret: randomBytes(16).toString('hex'),
            events: ['com.iterable-segment-export.connection.key-rejected'],
          },
        });
        expect(webhook.status).toBe(201);
      }
    }, 180_000);

    it('pages segments by name, `top` a page', async () => {
      const all = (await pagesOf('segments', 'name')).flat();
      expect(all).toEqual([
        'Refused rows',
        'Weekly 0',
        'Weekly 1',
        'Weekly 2',
        'Weekly 3',
        'Weekly 4',
      ]);
      expect(await pagesOf('segments?top=4', 'name')).toEqual([all.slice(0, 4), all.slice(4)]);
      expect(await pagesOf('segments?top=3', 'name')).toEqual([all.slice(0, 3), all.slice(3)]);
    });

    it("pages an export's runs, newest first", async () => {
      expect(await pagesOf(`exports/${exportId}/runs?top=1`, 'id')).toEqual([
        [runIds[0]],
        [runIds[1]],
      ]);
    });

    it("pages a run's rejections in snapshot order", async () => {
      const route = `exports/${exportId}/runs/${runIds[0]}/rejections`;
      const all = (await pagesOf(route, 'line')).flat();
      expect(all).toEqual([3, 4, 5]);
      expect(await pagesOf(`${route}?top=2`, 'line')).toEqual([[3, 4], [5]]);
    });

    it('pages the audit, newest first, and the webhooks in id order', async () => {
      const audit = (await pagesOf('audit?top=100', 'id')).flat();
      expect(audit.length).toBeGreaterThan(10);
      expect((await pagesOf('audit?top=4', 'id')).flat()).toEqual(audit);
      const webhooks = (await pagesOf('webhooks', 'id')).flat();
      expect(webhooks).toHaveLength(3);
      expect(await pagesOf('webhooks?top=2', 'id')).toEqual([
        webhooks.slice(0, 2),
        webhooks.slice(2),
      ]);
    });

    it.each([
      'segments',
      'audit',
      'webhooks',
      'exports/{export}/runs',
      'exports/{export}/runs/{run}/rejections',
    ])('answers 400 for a %s $skipToken it never issued, or a top out of range', async (path) => {
      const route = path.replace('{export}', exportId).replace('{run}', runIds[0] ?? '');
      for (const query of badPageQueries) {
        const response = await stack.call('GET', `${route}?${query}`, { as: admin });
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
        expect(response.json()).toMatchObject({ error: { code: 'InvalidRequest' } });
      }
    });
  });

  it.each(['connections', 'exports'])(
    'answers 400 for a %s $skipToken it never issued, or a top out of range',
    async (route) => {
      for (const query of badPageQueries) {
        const response = await stack.call('GET', `${route}?${query}`, { as: admin });
        expect(response.status).toBe(400);
        expect(response.json()).toMatchObject({ error: { code: 'InvalidRequest' } });
      }
    },
  );

  it('documents top and $skipToken on both collections in the OpenAPI document', async () => {
    const document = (await stack.call('GET', 'openapi.json')).json() as {
      paths: Record<string, { get: { parameters?: { name: string; in: string }[] } }>;
    };
    for (const path of ['/api/connections', '/api/exports', '/api/audit']) {
      expect(document.paths[path]?.get.parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'top', in: 'query' }),
          expect.objectContaining({ name: '$skipToken', in: 'query' }),
        ]),
      );
    }
  });
});
