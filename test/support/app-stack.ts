import {
  devPlatformAppId,
  startDevIssuer,
  type DevIssuer,
  type TokenRequest,
} from '../../local/dev-issuer';
import { startIterableStandIn, type IterableStandIn } from '../../local/iterable/server';
import { startKeyVaultStandIn, type KeyVaultStandIn } from '../../local/key-vault/server';
import { startAzurite, type Azurite } from '../../local/azurite';
import { localInstanceId } from '../../local/host-instances';
import { provisionStorage } from '../../local/provision-storage';
import { createAppClients } from '../../shared/clients/app-clients';
import { loadSettings } from '../../shared/settings';
import { startHostProcess, type HostProcess } from './host-process';
import { appPackageRoot } from './app-package';

export interface AppStack {
  url: string;
  /** The stack's own storage (an Azurite of its own unless the caller gave AzureWebJobsStorage). */
  storage: string;
  /** The first host, whose URL `url` is. */
  host: HostProcess;
  /** Every host running the app (`instances` of them), the first first. */
  hosts: HostProcess[];
  issuer: DevIssuer;
  vault: KeyVaultStandIn;
  iterable: IterableStandIn;
  /** A bearer token (Admin of the default tenant unless told otherwise). */
  token(request?: TokenRequest): Promise<string>;
  /** fetch against the app with a JSON body and a token for `as` (omit `as` for no token). */
  call(
    method: string,
    route: string,
    options?: {
      as?: TokenRequest;
      token?: string;
      body?: unknown;
      rawBody?: string;
      /** Sent as given, after (so overriding) the token and JSON content type. */
      headers?: Record<string, string>;
    },
  ): Promise<{
    status: number;
    headers: Headers;
    text: string;
    json: () => Record<string, unknown>;
  }>;
  stop(): Promise<void>;
}

/**
 * The real app (package.json main) on the local host, with its own Key Vault stand-in, Iterable
 * stand-in (accepting `apiKeys`) and token issuer; storage is the run's Azurite.
 */
export async function startAppStack(
  options: {
    apiKeys?: string[];
    env?: Record<string, string>;
    /** Puts something (a fault proxy) between the app and the Key Vault stand-in. */
    keyVaultUrlFor?: (standInUrl: string) => Promise<string>;
    /**
     * Checks tokens in Entra's multi-tenant form: `iss` per tenant (mint with `tenantIssuer`),
     * accepting the tenants listed (comma-separated ids, or `*`).
     */
    allowedTenants?: string;
    /** Puts something (a failing key set endpoint) between the app and the token issuer's keys. */
    jwksUrlFor?: (issuerJwksUrl: string) => Promise<string>;
    /**
     * How many hosts run the app on the one storage account, as a scaled-out app in Azure
     * (default 1); each gets its own WEBSITE_INSTANCE_ID (local-1, local-2, ...).
     */
    instances?: number;
    /** Extra command-line options for every host (such as --queue-lease-seconds). */
    hostArgs?: string[];
  } = {},
): Promise<AppStack> {
  // Each stack gets its own Azurite: the app's queue triggers would otherwise take work that
  // another test file left on the shared queues.
  const ownAzurite: Azurite | undefined = options.env?.AzureWebJobsStorage
    ? undefined
    : await startAzurite({ blob: 0, queue: 0, table: 0 });
  const storage = options.env?.AzureWebJobsStorage ?? ownAzurite?.connectionString ?? '';
  const [issuer, vault, iterable] = await Promise.all([
    startDevIssuer(),
    startKeyVaultStandIn(),
    startIterableStandIn({ apiKeys: options.apiKeys ?? [] }),
  ]);
  const env = {
    AzureWebJobsStorage: storage,
    ...(options.allowedTenants === undefined
      ? issuer.settings
      : issuer.multiTenantSettings(options.allowedTenants)),
    AUTH_PLATFORM_APP_IDS: devPlatformAppId,
    ...(options.jwksUrlFor
      ? { AUTH_JWKS_URL: await options.jwksUrlFor(issuer.settings.AUTH_JWKS_URL) }
      : {}),
    KEY_VAULT_URL: options.keyVaultUrlFor ? await options.keyVaultUrlFor(vault.url) : vault.url,
    ITERABLE_BASE_URL: iterable.url,
    // February 31st never comes: the refresh timer runs only when a test fires it (admin API).
    REFRESH_TIMER_SCHEDULE: '0 0 0 31 2 *',
    RETENTION_TIMER_SCHEDULE: '0 0 0 31 2 *',
    ...options.env,
  };
  // What the templates create in Azure and npm start creates locally.
  await provisionStorage(createAppClients(loadSettings(env)));
  const instances = options.instances ?? 1;
  const hosts = await Promise.all(
    Array.from({ length: instances }, (_, index) =>
      startHostProcess({
        scriptRoot: appPackageRoot(),
        env: instances > 1 ? { ...env, WEBSITE_INSTANCE_ID: localInstanceId(index + 1) } : env,
        args: options.hostArgs,
      }),
    ),
  );
  const host = hosts[0]!;
  const stack: AppStack = {
    url: host.url,
    storage,
    host,
    hosts,
    issuer,
    vault,
    iterable,
    token: (request) => issuer.mint(request),
    call: async (method, route, callOptions = {}) => {
      const headers: Record<string, string> = {};
      const token =
        callOptions.token ?? (callOptions.as ? await issuer.mint(callOptions.as) : undefined);
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined = callOptions.rawBody;
      if (callOptions.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(callOptions.body);
      }
      Object.assign(headers, callOptions.headers);
      const response = await fetch(`${host.url}/api/${route}`, { method, headers, body });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        text,
        json: () => JSON.parse(text) as Record<string, unknown>,
      };
    },
    stop: async () => {
      await Promise.all(hosts.map((one) => one.stop()));
      await Promise.all([issuer.close(), vault.close(), iterable.close()]);
      await ownAzurite?.stop();
    },
  };
  return stack;
}
