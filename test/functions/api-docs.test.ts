import { get } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { HostProcess } from '../support/host-process';
import { startPublicHost } from '../support/public-host';

/**
 * The API reference page and its files, as the package serves them. `npm run test:browser`
 * opens the same page in a real browser.
 */
describe('GET /api/docs', () => {
  let app: HostProcess;
  beforeAll(async () => {
    app = await startPublicHost();
  });
  afterAll(() => app.stop());

  /** Every URL a `src` or `href` of the page names. */
  const linksOf = (html: string) => [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);

  it('serves a page whose every file comes from the app itself, under a policy that allows no other origin', async () => {
    const response = await fetch(`${app.url}/api/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/https?:/);
    const html = await response.text();
    const links = linksOf(html);
    expect(links.length).toBeGreaterThanOrEqual(4);
    for (const link of links) {
      expect(link).not.toMatch(/^(https?:)?\/\//);
      const file = await fetch(new URL(link!, response.url));
      expect({ link, status: file.status }).toEqual({ link, status: 200 });
    }
    expect(html).toContain('data-openapi="./openapi.json"');
  });

  it('resolves the same files from /api/docs/ with a trailing slash', async () => {
    const response = await fetch(`${app.url}/api/docs/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('data-openapi="../openapi.json"');
    for (const link of linksOf(html)) {
      expect((await fetch(new URL(link!, response.url))).status).toBe(200);
    }
  });

  it('sends Swagger UI gzipped to a client that accepts it, and 304 for a copy it already has', async () => {
    const plain = await fetch(`${app.url}/api/docs/swagger-ui-bundle.js`, {
      headers: { 'accept-encoding': 'identity' },
    });
    const plainBytes = Buffer.from(await plain.arrayBuffer());
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plainBytes.toString('utf8')).toContain('SwaggerUIBundle');

    // Node's fetch decodes gzip itself; node:http would not, so ask for the raw bytes by hand.
    const raw = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>(
      (resolve, reject) => {
        get(
          `${app.url}/api/docs/swagger-ui-bundle.js`,
          { headers: { 'accept-encoding': 'gzip' } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
          },
        ).on('error', reject);
      },
    );
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(raw.body.length).toBeLessThan(plainBytes.length / 2);
    expect(gunzipSync(raw.body).equals(plainBytes)).toBe(true);

    const etag = plain.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${app.url}/api/docs/swagger-ui-bundle.js`, {
      headers: { 'if-none-match': etag! },
    });
    expect(again.status).toBe(304);
  });

  it.each(['index.html', 'swagger-initializer.js', '..%2Fpackage.json', '..%2F..%2Fhost.json'])(
    'answers 404 for %s, a name that is not one of the page files',
    async (name) => {
      const response = await fetch(`${app.url}/api/docs/${name}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('x-ms-error-code')).toBe('NotFound');
    },
  );

  it('is not an operation of the API, so the OpenAPI document does not list it', async () => {
    const document = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths).filter((path) => path.includes('/docs'))).toEqual([]);
  });
});
