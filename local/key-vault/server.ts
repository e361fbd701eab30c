import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KeyVaultError, badParameter, bodyTooLarge, missingBearerToken } from './errors';
import { handleVaultRequest } from './routes';
import type { VaultPolicy } from './secret-store';
import { SecretStore } from './secret-store';
import { VaultFile } from './vault-file';

export interface KeyVaultStandInOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Keep secrets in `<dataDir>/key-vault.json` across restarts instead of only in memory. */
  dataDir?: string;
  /** Refuse purges with 403, like a vault created with purge protection. */
  purgeProtection?: boolean;
  /** 7 to 90 (Azure's range), default 90: how long soft-deleted secrets stay recoverable. */
  softDeleteRetentionDays?: number;
}

export interface KeyVaultStandIn {
  /** The vault URL to give SecretClient, e.g. `http://127.0.0.1:8400`. */
  url: string;
  close(): Promise<void>;
}

/**
 * The tenant the challenge names. The SDK passes it to `getToken` as `tenantId`; the stand-in
 * accepts any bearer token, so it only has to be a well-formed GUID.
 */
export const STAND_IN_TENANT_ID = '00000000-0000-0000-0000-00000000a2ee';

// The SDK's challenge policy sends its first request without a token (and without its body) and
// expects exactly this header back before it asks its credential for a token.
const CHALLENGE =
  `Bearer authorization="https://login.microsoftonline.com/${STAND_IN_TENANT_ID}", ` +
  'resource="https://vault.azure.net"';

/** Far above Key Vault's 25 KB value limit; only stops a runaway client from filling memory. */
const MAX_BODY_BYTES = 1024 * 1024;

function hasBearerToken(request: IncomingMessage): boolean {
  return /^Bearer\s+\S/i.test(request.headers.authorization ?? '');
}

/** The URL the caller used, so ids and nextLinks point back where the SDK came from. */
function vaultUrlOf(request: IncomingMessage, listeningUrl: string): string {
  const host = request.headers.host ?? '';
  const plausibleHost = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/.test(host);
  return plausibleHost ? `http://${host}` : listeningUrl;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners('data');
        request.resume();
        reject(bodyTooLarge(MAX_BODY_BYTES));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const headers = { 'x-ms-request-id': randomUUID(), 'cache-control': 'no-cache', ...extraHeaders };
  if (body === undefined) {
    response.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  response
    .writeHead(status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
    })
    .end(text);
}

async function serve(
  store: SecretStore,
  request: IncomingMessage,
  response: ServerResponse,
  listeningUrl: string,
): Promise<void> {
  try {
    if (!hasBearerToken(request)) {
      request.resume();
      const challenge = missingBearerToken();
      send(response, challenge.status, challenge.toBody(), { 'www-authenticate': CHALLENGE });
      return;
    }
    const vaultUrl = vaultUrlOf(request, listeningUrl);
    const url = new URL(request.url ?? '/', vaultUrl);
    const body = await readBody(request);
    if (!url.searchParams.get('api-version')) {
      throw badParameter('The api-version query parameter is required for all requests.');
    }
    const method = request.method ?? 'GET';
    const result = await handleVaultRequest(store, { method, url, body }, vaultUrl);
    send(response, result.status, result.body);
  } catch (error) {
    if (error instanceof KeyVaultError) {
      send(response, error.status, error.toBody());
      return;
    }
    // Only the method and path: headers carry the bearer token and bodies carry secret values.
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`Key Vault stand-in: ${request.method} ${request.url} failed: ${reason}`);
    const failure = new KeyVaultError(
      500,
      'InternalServerError',
      'The stand-in failed: see its log.',
    );
    if (!response.headersSent) send(response, failure.status, failure.toBody());
  }
}

function validatePolicy(options: KeyVaultStandInOptions): VaultPolicy {
  const softDeleteRetentionDays = options.softDeleteRetentionDays ?? 90;
  if (
    !Number.isInteger(softDeleteRetentionDays) ||
    softDeleteRetentionDays < 7 ||
    softDeleteRetentionDays > 90
  ) {
    throw new RangeError(
      `softDeleteRetentionDays must be an integer from 7 to 90, got ${softDeleteRetentionDays}`,
    );
  }
  return { purgeProtection: options.purgeProtection ?? false, softDeleteRetentionDays };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stops accepting connections, ends idle keep-alive ones now and busy ones after a grace period. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    const forceClose = setTimeout(() => server.closeAllConnections(), 1000);
    server.close((error) => {
      clearTimeout(forceClose);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

function urlHost(host: string): string {
  // A wildcard address is where the server listens, not somewhere a client can connect to.
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts a local server that speaks the Key Vault secrets REST API closely enough for the real
 * `@azure/keyvault-secrets` SecretClient (see `createSecretClient`), so tests and `npm start`
 * need neither Azure nor a mock.
 */
export async function startKeyVaultStandIn(
  options: KeyVaultStandInOptions = {},
): Promise<KeyVaultStandIn> {
  const policy = validatePolicy(options);
  const host = options.host ?? '127.0.0.1';
  const opened = options.dataDir ? await VaultFile.open(options.dataDir) : undefined;
  const save = opened ? opened.file.save.bind(opened.file) : () => Promise.resolve();
  const store = new SecretStore(policy, save, opened?.vault);

  let listeningUrl = '';
  const server = createServer((request, response) => {
    void serve(store, request, response, listeningUrl);
  });
  const address = await listen(server, options.port ?? 0, host);
  listeningUrl = `http://${urlHost(host)}:${address.port}`;

  return {
    url: listeningUrl,
    close: async () => {
      await closeServer(server);
      await opened?.file.flush();
    },
  };
}
