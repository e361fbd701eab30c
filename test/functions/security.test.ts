import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '../../local/azurite';
import { allOperations } from '../../shared/app/api-operations';
import { apiDocsOperations } from '../../shared/api-docs/api-docs-operations';
import { iterableBaseUrl } from '../../shared/clients/iterable-key-check';
import { RegionSchema } from '../../shared/connections/connection-schemas';
import { startAppStack, type AppStack } from '../support/app-stack';
import { dumpStorage } from '../support/storage-scan';
import { startRecordingProxy, type RecordingProxy } from '../fuzz/support/recording-proxy';
import { startTrap, type Trap } from '../fuzz/support/trap-server';
import { settled } from '../support/run-status';

/**
 * The security review as tests: the routes served are the routes authorized; no caller-supplied
 * URL or host is ever called; tenants stay apart when ids hold query syntax; snapshot cells are
 * data, never code; and no API key reaches storage of any kind, a log line or a response.
 */

const repoRoot = path.resolve(__dirname, '..', '..');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** The deployed code: trigger glue and everything it uses. */
const deployedSources = () =>
  ['functions', 'shared'].flatMap((folder) => sourceFiles(path.join(repoRoot, folder)));

describe('security review', () => {
  const keys = {
    created: randomBytes(16).toString('hex'),
    rotated: randomBytes(16).toString('hex'),
    refused: randomBytes(16).toString('hex'),
    unverified: randomBytes(16).toString('hex'),
  };
  const tenant = `security-${randomBytes(4).toString('hex')}`;
  const admin = { roles: ['Admin'], tid: tenant };
  let azurite: Azurite;
  let proxies: Record<'blob' | 'queue' | 'table', RecordingProxy>;
  let stack: AppStack;
  let trap: Trap;
  let connectionId: string;
  /** Every response the app gave in this file, for the secrets scan. */
  const responses: string[] = [];

  async function call(...args: Parameters<AppStack['call']>) {
    const response = await stack.call(...args);
    responses.push(
      `${args[0]} ${args[1]} ${response.status} ${JSON.stringify([...response.headers])} ${response.text}`,
    );
    return response;
  }

  async function putSegment(tid: string, file: string, content: string) {
    await BlobServiceClient.fromConnectionString(stack.storage)
      .getContainerClient('segments')
      .getBlockBlobClient(`${tid}/${file}`)
      .upload(content, Buffer.byteLength(content));
  }

  async function runToEnd(as: Record<string, unknown>, exportId: string, body = {}) {
    const started = await call('POST', `exports/${exportId}/runs`, { as, body });
    expect(`${started.status} ${started.text}`).toMatch(/^202 /);
    const runId = String(started.json().id);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const run = await call('GET', `exports/${exportId}/runs/${runId}`, { as });
      const status = String(run.json().status);
      if (settled(status)) return run.json();
      if (Date.now() > deadline) throw new Error(`The run is still '${status}'`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  beforeAll(async () => {
    azurite = await startAzurite({ blob: 0, queue: 0, table: 0 });
    const [blob, queue, table] = await Promise.all(
      (['blob', 'queue', 'table'] as const).map((service) =>
        startRecordingProxy(`http://127.0.0.1:${azurite.ports[service]}`),
      ),
    );
    proxies = { blob: blob!, queue: queue!, table: table! };
    const storage = azurite.connectionString
      .replace(`:${azurite.ports.blob}/`, `:${new URL(proxies.blob.url).port}/`)
      .replace(`:${azurite.ports.queue}/`, `:${new URL(proxies.queue.url).port}/`)
      .replace(`:${azurite.ports.table}/`, `:${new URL(proxies.table.url).port}/`);
    trap = await startTrap();
    stack = await startAppStack({
      apiKeys: [keys.created, keys.rotated, keys.unverified],
      env: { AzureWebJobsStorage: storage },
    });
    const created = await call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Security', apiKey: keys.created, consent: { accepted: true } },
    });
    expect(created.status).toBe(201);
    connectionId = String(created.json().id);
  });
  afterAll(async () => {
    await stack?.stop();
    await Promise.all([trap?.close(), ...Object.values(proxies ?? {}).map((p) => p.close())]);
    await azurite?.stop();
  });

  it('serves exactly the operations the authorization matrix covers and the reference page; only health, the OpenAPI document and the page without a token', async () => {
    const listed = (await fetch(`${stack.url}/admin/functions`).then((r) => r.json())) as {
      name: string;
      trigger?: string;
    }[];
    const httpFunctions = listed
      .filter((fn) => fn.trigger?.toLowerCase() === 'httptrigger')
      .map((fn) => fn.name)
      .sort();
    // The reference page and its files: no operations of the API, the same adapter.
    const served = [...allOperations(), ...apiDocsOperations('api-docs')];
    expect(httpFunctions).toEqual(served.map((operation) => operation.name).sort());
    const anonymous = served.filter((operation) => operation.roles.length === 0);
    expect(anonymous.map((operation) => `${operation.method} ${operation.route}`).sort()).toEqual([
      'GET docs',
      'GET docs/{file}',
      'GET health',
      'GET openapi.json',
    ]);
  });

  it('takes the Iterable origin from a closed list of regions, never from a caller', () => {
    expect(RegionSchema.options).toEqual(['us', 'eu']);
    for (const region of RegionSchema.options) {
      const origin = new URL(iterableBaseUrl(region));
      expect(origin.protocol).toBe('https:');
      expect(origin.hostname).toMatch(/^api(\.eu)?\.iterable\.com$/);
    }
    // The only other origin is the ITERABLE_BASE_URL setting, read once from the environment.
    const overrides = deployedSources().filter((file) =>
      /iterableBaseUrl\(/.test(readFileSync(file, 'utf8')),
    );
    for (const file of overrides) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!/iterableBaseUrl\(/.test(line) || /export function iterableBaseUrl/.test(line))
          continue;
        expect(`${path.relative(repoRoot, file)}: ${line.trim()}`).toMatch(
          /iterableBaseUrl\([\w.]*region, [\w.]*(iterableBaseUrl|baseUrlOverride)\)/,
        );
      }
    }
  });

  it('calls no URL or host that a caller supplies, in bodies, headers or token headers', async () => {
    const hostHeaders = {
      host: trap.host,
      'x-forwarded-host': trap.host,
      forwarded: `host=${trap.host}`,
    };
    const token = await stack.token(admin);
    // node:http, since fetch will not send a Host header of the caller's choosing.
    const send = (method: string, route: string, body?: unknown) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; json: () => unknown }>(
        (resolve, reject) => {
          const payload = body === undefined ? '' : JSON.stringify(body);
          const request = http.request(`${stack.url}/api/${route}`, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
              ...hostHeaders,
            },
          });
          request.on('response', (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                headers: response.headers,
                json: () => JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
              }),
            );
          });
          request.on('error', reject);
          request.end(payload);
        },
      );
    const urlLike = [trap.url, `${trap.url}/api`, trap.host, `//${trap.host}`];
    for (const url of urlLike) {
      const attempts = [
        send('POST', 'connections', {
          displayName: 'T',
          apiKey: keys.created,
          region: url,
          consent: { accepted: true },
        }),
        send('POST', 'connections', {
          displayName: 'T',
          apiKey: keys.created,
          baseUrl: url,
          consent: { accepted: true },
        }),
        send('PATCH', `connections/${connectionId}`, { region: url }),
        send('PATCH', `connections/${connectionId}`, { endpoint: url }),
        send('POST', 'exports', {
          displayName: 'T',
          connectionId,
          segments: [url],
          emailField: 'email',
        }),
      ];
      for (const response of await Promise.all(attempts)) expect(response.status).toBe(400);
    }
    // A key of the caller's choosing named in the token header is never fetched.
    const header = Buffer.from(
      JSON.stringify({ alg: 'RS256', kid: 'x', jku: `${trap.url}/jwks`, x5u: `${trap.url}/x5u` }),
    ).toString('base64url');
    const [, claims, signature] = token.split('.');
    const forged = await fetch(`${stack.url}/api/connections`, {
      headers: { authorization: `Bearer ${header}.${claims}.${signature}` },
    });
    expect(forged.status).toBe(401);
    // Everything below runs with the caller's Host headers pointing at the trap.
    await putSegment(tenant, 'Trap.csv', `email,first_name\nada@example.com,${trap.url}\n`);
    const created = await send('POST', 'exports', {
      displayName: trap.url,
      connectionId,
      segments: ['Trap'],
      emailField: 'email',
      dataFields: { website: 'first_name' },
    });
    expect(created.status).toBe(201);
    // The Host header did reach the app: it builds the Location from the request URL.
    expect(created.headers.location).toContain(trap.host);
    const exportId = String((created.json() as { id: string }).id);
    const run = await runToEnd(admin, exportId);
    expect(run.status).toBe('succeeded');
    expect(trap.requests).toEqual([]);
    expect(stack.iterable.stats().subscribersReceived).toBeGreaterThan(0);
  });

  it('builds every Table filter with the odata helper and evaluates no input', () => {
    const findings: string[] = [];
    for (const file of deployedSources()) {
      const text = readFileSync(file, 'utf8');
      const where = path.relative(repoRoot, file);
      for (const match of text.matchAll(/\bfilter\s*[:=]\s*([^\n]*)/g)) {
        const value = match[1] ?? '';
        // `{ filter }` shorthand and conditionals of odata-built filters are checked at their source.
        if (/^odata`/.test(value) || /^\s*$/.test(value)) continue;
        if (/^range\.below === undefined/.test(value)) continue;
        // rowsWhere's parameter: its callers pass filters built with odata.
        if (where.endsWith('table-pages.ts') && value.startsWith('string, max: number)')) continue;
        // Swagger UI's search box, an option in the reference page's own script text.
        if (where.endsWith('api-docs-page.ts') && value === 'true,') continue;
        // The health check lists one table by its constant name; no input reaches it.
        if (where.endsWith('health-service.ts') && value.startsWith('`TableName eq')) continue;
        findings.push(`${where}: filter ${value}`);
      }
      for (const pattern of [
        /\beval\(/,
        /new Function\(/,
        /from 'node:vm'|require\('vm'\)/,
        /child_process/,
      ]) {
        if (pattern.test(text)) findings.push(`${where}: ${String(pattern)}`);
      }
    }
    expect(findings).toEqual([]);
    // The conditional filter in table-pages is odata on both branches.
    const pages = readFileSync(path.join(repoRoot, 'shared/clients/table-pages.ts'), 'utf8');
    expect(pages).toMatch(/\?\s*odata`[^`]*`\s*:\s*odata`/);
  });

  it('keeps tenants apart when a tenant id holds OData syntax', async () => {
    const injecting = { roles: ['Admin'], tid: `q' or PartitionKey ne 'q` };
    const own = await call('POST', 'connections', {
      as: injecting,
      body: { displayName: 'Quoted', apiKey: keys.created, consent: { accepted: true } },
    });
    expect(own.status).toBe(201);
    await putSegment(injecting.tid, 'Quoted.csv', 'email\nada@example.com\n');
    const ownExport = await call('POST', 'exports', {
      as: injecting,
      body: {
        displayName: 'Quoted',
        connectionId: own.json().id,
        segments: ['Quoted'],
        emailField: 'email',
      },
    });
    expect(ownExport.status).toBe(201);
    const ownRun = await runToEnd(injecting, String(ownExport.json().id));
    expect(ownRun.status).toBe('succeeded');

    const connections = (await call('GET', 'connections', { as: injecting })).json().value as {
      id: string;
    }[];
    expect(connections.map((connection) => connection.id)).toEqual([own.json().id]);
    const exports = (await call('GET', 'exports', { as: injecting })).json().value as {
      id: string;
    }[];
    expect(exports.map((item) => item.id)).toEqual([ownExport.json().id]);
    const audit = (await call('GET', 'audit?top=100', { as: injecting })).json().value as {
      resourceId: string;
    }[];
    expect(new Set(audit.map((entry) => entry.resourceId))).toEqual(
      new Set([own.json().id, ownExport.json().id, ownRun.id]),
    );
    const runs = (
      await call('GET', `exports/${String(ownExport.json().id)}/runs`, { as: injecting })
    ).json().value as { id: string }[];
    expect(runs.map((run) => run.id)).toEqual([ownRun.id]);
    expect((await call('GET', `connections/${connectionId}`, { as: injecting })).status).toBe(404);
    // And the main tenant does not see the quoted one's records either.
    const mainConnections = (await call('GET', 'connections', { as: admin })).json().value as {
      id: string;
    }[];
    expect(mainConnections.map((connection) => connection.id)).not.toContain(own.json().id);
    // A $skipToken is the caller's to forge: one that points into the main tenant's partition
    // still pages only the caller's own, since the filter binds the partition key.
    const base64 = (text: string) => Buffer.from(text).toString('base64');
    for (const nextPartitionKey of [tenant, base64(tenant)]) {
      const forged = base64(JSON.stringify({ nextPartitionKey, nextRowKey: base64('0') }));
      const page = await call('GET', `audit?$skipToken=${encodeURIComponent(forged)}`, {
        as: injecting,
      });
      expect(page.status).toBe(200);
      const ids = (page.json().value as { resourceId: string }[]).map((entry) => entry.resourceId);
      expect(
        ids.filter((id) => ![own.json().id, ownExport.json().id, ownRun.id].includes(id)),
      ).toEqual([]);
    }
  });

  /** The members of the export's list with the data fields Iterable holds for them. */
  function listUsers(listId: number | undefined) {
    const [project] = stack.iterable.inspect({ listId, users: true });
    const members = new Set(project?.lists.find((list) => list.id === listId)?.members);
    return (project?.users ?? [])
      .filter((user) => members.has(user.email))
      .map(({ email, dataFields }) => ({ email, dataFields }));
  }

  async function exportCells(segment: string, csv: string, dataFields: Record<string, string>) {
    await putSegment(tenant, `${segment}.csv`, csv);
    const created = await call('POST', 'exports', {
      as: admin,
      body: {
        displayName: segment,
        connectionId,
        segments: [segment],
        emailField: 'email',
        dataFields,
      },
    });
    expect(`${created.status} ${created.text}`).toMatch(/^201 /);
    const run = await runToEnd(admin, String(created.json().id));
    expect(run.status).toBe('succeeded');
    return listUsers((run.segments as { listId: number }[])[0]?.listId);
  }

  it('sends snapshot cells holding query, template, script and formula syntax verbatim', async () => {
    const cells = [
      `' or ''='`,
      '${process.exit(1)}',
      '{{7*7}}',
      '=cmd|"/C calc"!A0',
      '<script>x</script>',
    ];
    const quoted = cells.map((cell) => `"${cell.replace(/"/g, '""')}"`);
    const users = await exportCells(
      'Cells',
      `email,a,b,c,d,e\ncells@example.com,${quoted.join(',')}\n`,
      { a: 'a', b: 'b', c: 'c', d: 'd', e: 'e' },
    );
    expect(users).toEqual([
      {
        email: 'cells@example.com',
        dataFields: { a: cells[0], b: cells[1], c: cells[2], d: cells[3], e: cells[4] },
      },
    ]);
  });

  // Keyed carelessly, a column named __proto__ would lose its cells and read as Object.prototype
  // (sent as {}), and a short row would read inherited members (constructor) as its values.
  it('reads columns named __proto__ and constructor as data, with nothing inherited', async () => {
    const users = await exportCells(
      'Inherited',
      'email,constructor,__proto__\nfull@example.com,Ctor,Proto\nshort@example.com\n',
      { ctor: 'constructor', proto: '__proto__' },
    );
    expect(users).toEqual([
      { email: 'full@example.com', dataFields: { ctor: 'Ctor', proto: 'Proto' } },
      { email: 'short@example.com', dataFields: {} },
    ]);
  });

  it('never lets an API key reach storage (tables, queues, blobs, as written or as kept), a log line or a response', async () => {
    // A rotation, a key Iterable refuses, a key checked while Iterable fails, and a run that
    // meets Iterable failures: each path where a key could slip into a record or a log line.
    const rotated = await call('PATCH', `connections/${connectionId}`, {
      as: admin,
      body: { apiKey: keys.rotated },
    });
    expect(rotated.status).toBe(200);
    const refused = await call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Refused', apiKey: keys.refused, consent: { accepted: true } },
    });
    expect(refused.status).toBe(400);
    stack.iterable.configure({ failNext: 1, failStatus: 503 });
    const unverified = await call('POST', 'connections', {
      as: admin,
      body: { displayName: 'Unverified', apiKey: keys.unverified, consent: { accepted: true } },
    });
    expect(unverified.status).toBe(502);
    await putSegment(
      tenant,
      'Secrets.csv',
      'email,first_name\nada@example.com,Ada\nnot-an-email,X\n',
    );
    const created = await call('POST', 'exports', {
      as: admin,
      body: { displayName: 'Secrets', connectionId, segments: ['Secrets'], emailField: 'email' },
    });
    const exportId = String(created.json().id);
    expect((await runToEnd(admin, exportId, { dryRun: true })).counts).toMatchObject({
      total: 1,
      rejected: 1,
    });
    stack.iterable.configure({ failNext: 2, failStatus: 500 });
    expect((await runToEnd(admin, exportId)).counts).toMatchObject({ added: 1, rejected: 1 });
    await call('GET', `exports/${exportId}/runs`, { as: admin });
    await call('GET', 'audit?top=100', { as: admin });
    await call('GET', `connections/${connectionId}`, { as: admin });

    // What the app ever sent to storage: URLs, headers (metadata included) and bodies, with
    // queue messages decoded from base64, plus what storage holds now.
    const written = Object.entries(proxies).flatMap(([service, proxy]) =>
      proxy.requests.map((request) => {
        const body = request.body.toString('utf8');
        const messages = [...body.matchAll(/<MessageText>([^<]*)<\/MessageText>/g)].map((match) =>
          Buffer.from(match[1] ?? '', 'base64').toString('utf8'),
        );
        return {
          where: `${service} ${request.method} ${decodeURIComponent(request.url)}`,
          text: [request.url, JSON.stringify(request.headers), body, ...messages].join('\n'),
        };
      }),
    );
    const kinds = (pattern: RegExp) => written.filter((item) => pattern.test(item.where)).length;
    expect(kinds(/^table (POST|PUT|PATCH|MERGE) /)).toBeGreaterThan(0);
    expect(kinds(/^queue POST \/\w+\/export-runs-on-demand\/messages/)).toBeGreaterThan(0);
    expect(kinds(/^queue POST \/\w+\/export-batches-express\/messages/)).toBeGreaterThan(0);
    expect(kinds(/^blob PUT \/\w+\/export-batches\//)).toBeGreaterThan(0);
    expect(kinds(/^blob PUT \/\w+\/export-state\//)).toBeGreaterThan(0);
    // The scan reads what it must: table rows, decoded queue messages and batch blobs.
    const seen = (where: RegExp, text: string) =>
      written.some((item) => where.test(item.where) && item.text.includes(text));
    expect(seen(/^table /, 'Secrets')).toBe(true);
    expect(seen(/^queue .*export-runs/, exportId)).toBe(true);
    expect(seen(/^blob PUT .*export-batches/, 'ada@example.com')).toBe(true);
    const everything = [
      ...written,
      ...(await dumpStorage(azurite.connectionString)),
      { where: 'log', text: stack.host.output() },
      ...responses.map((text) => ({ where: 'response', text })),
    ];
    for (const key of Object.values(keys)) {
      const forms = [key, Buffer.from(key).toString('base64'), key.toUpperCase()];
      expect(
        everything
          .filter((item) => forms.some((form) => item.text.includes(form)))
          .map((item) => item.where),
      ).toEqual([]);
    }
    expect(responses.length).toBeGreaterThan(20);
  });
});
