import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { chromiumInstallHelp, findChromium } from '../../scripts/chromium-path';
import type { HostProcess } from '../support/host-process';
import { startPublicHost } from '../support/public-host';

/**
 * `npm run test:browser`: the API reference page in a real headless Chromium (the system's, see
 * scripts/chromium-path.ts), served by the package on the local host. Every operation of the
 * OpenAPI document must be listed, and the page must load nothing from any other origin.
 */

const screenshot = path.resolve(__dirname, '..', '..', 'docs', 'api-reference.png');

/** The flags a closed network needs: no background calls to update, sync or safe-browsing hosts. */
const quietChromium = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface OpenApiDocument {
  paths: Record<string, Record<string, { operationId: string }>>;
}

describe('the API reference page in Chromium', () => {
  let app: HostProcess;
  let browser: Browser;
  beforeAll(async () => {
    const executablePath = findChromium();
    if (!executablePath) throw new Error(chromiumInstallHelp);
    app = await startPublicHost();
    browser = await chromium.launch({ executablePath, args: quietChromium });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('lists every operation of the document, loading nothing from another origin', async () => {
    const document = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as OpenApiDocument;
    const expected = Object.entries(document.paths)
      .flatMap(([route, methods]) =>
        Object.entries(methods).map(([method, { operationId }]) => ({
          operation: `${method.toUpperCase()} ${route}`,
          operationId,
        })),
      )
      .sort((a, b) => a.operation.localeCompare(b.operation));
    expect(expected.length).toBeGreaterThan(20);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const appOrigin = new URL(app.url).origin;
    const elsewhere: string[] = [];
    const problems: string[] = [];
    // Anything for another origin is refused before it leaves, and named by the test.
    await context.route(
      (url) => url.origin !== appOrigin,
      (route) => {
        elsewhere.push(route.request().url());
        return route.abort('blockedbyclient');
      },
    );
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    const response = await page.goto(`${app.url}/api/docs`);
    expect(response?.status()).toBe(200);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    const blocks = page.locator('.opblock');
    const listed = [];
    for (let index = 0; index < (await blocks.count()); index++) {
      const block = blocks.nth(index);
      const method = await block.locator('.opblock-summary-method').textContent();
      const route = await block.locator('.opblock-summary-path').getAttribute('data-path');
      const operationId = await block.locator('.opblock-summary-operation-id').textContent();
      listed.push({ operation: `${method?.trim()} ${route}`, operationId: operationId?.trim() });
    }
    listed.sort((a, b) => a.operation.localeCompare(b.operation));
    expect(listed).toEqual(expected);
    expect(await page.locator('.info .title').textContent()).toContain('iterable-segment-export');

    mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: false });
    expect({ elsewhere, problems }).toEqual({ elsewhere: [], problems: [] });
    await context.close();
  });
});
