import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createAppClients } from '../shared/clients/app-clients';
import { loadSettings, readStorageLocation } from '../shared/settings';
import { copyAppPackage, projectRoot } from './app-package';
import { azuritePortsSetting, startAzurite, usesAzuriteDevelopmentKey } from './azurite';
import { devPlatformAppId, devTenantId, startDevIssuer, type TokenRequest } from './dev-issuer';
import { startIterableStandIn } from './iterable/server';
import { startKeyVaultStandIn } from './key-vault/server';
import {
  instanceCount,
  startHostInstances,
  stopHostInstances,
  type HostInstance,
} from './host-instances';
import { provisionStorage } from './provision-storage';
import { segmentsContainerName } from '../shared/storage-layout';

/**
 * The local stack behind `npm start` and `npm run demo`: everything the product needs on one machine. Azurite, the Key Vault stand-in and
 * the Iterable stand-in start unless AzureWebJobsStorage, KEY_VAULT_URL or ITERABLE_BASE_URL say
 * where the real (or another) service is; then the local Functions host runs the app.
 * Unless AUTH_ISSUER is set, a local token issuer signs bearer tokens and an Admin token is printed.
 * AZURITE_PORTS ("blob,queue,table"), KEY_VAULT_STANDIN_PORT, ITERABLE_STANDIN_PORT and
 * DEV_ISSUER_PORT move the
 * local services (0 = any free port), so a second stack can run beside the first.
 */

const repoRoot = projectRoot();

function portSetting(env: Record<string, string | undefined>, name: string, fallback: number) {
  const value = env[name] === undefined ? fallback : Number(env[name]);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`Setting ${name} must be a port number (0 for any free port)`);
  }
  return value;
}

/** Where the local services listen unless a setting moves them (local.settings.example.json). */
export const defaultServicePorts = { keyVault: 8400, iterable: 4010, issuer: 4020 };

/** Accepted only by the local Iterable stand-in; use it to create a connection locally. */
export const standInIterableKey = 'local0000standin0000iterable0key';

type Stop = () => Promise<void>;

export interface LocalStack {
  url: string;
  /** The settings the app runs with (storage, vault, Iterable, token issuer). */
  env: Record<string, string | undefined>;
  /** What was started, one line each, for a banner. */
  lines: string[];
  /** Mints a dev token when the stack runs its own issuer. */
  mint?: (request?: TokenRequest) => Promise<string>;
  /** The first host: the one on PORT, whose URL `url` is. */
  host: ChildProcess;
  /** Every host running the app (LOCAL_INSTANCES of them), the first first. */
  hosts: HostInstance[];
  stop(): Promise<void>;
}

export interface LocalServices {
  /** The settings the app runs with (storage, vault, Iterable, token issuer). */
  env: Record<string, string | undefined>;
  /** What was started, one line each, for a banner. */
  lines: string[];
  /** Mints a dev token when the stack runs its own issuer. */
  mint?: (request?: TokenRequest) => Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts what the app needs on this machine, without the app: Azurite, the stand-ins and the
 * token issuer, each unless a setting names one already running, and provisions the storage.
 * `npm run stack` runs just these, for a host of one's own (Core Tools' `func start`).
 */
export async function startLocalServices(
  baseEnv: Record<string, string | undefined>,
): Promise<LocalServices> {
  const env: Record<string, string | undefined> = { ...baseEnv };
  const stops: Stop[] = [];
  const lines: string[] = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined);
  };
  try {
    if (!readStorageLocation(env, 'AzureWebJobsStorage')) {
      const ports = azuritePortsSetting(env);
      const azurite = await startAzurite(ports).catch((error: unknown) => {
        throw new Error(
          `Azurite could not start on ports ${Object.values(ports).join(', ')} (is another one running? set AzureWebJobsStorage to use it): ${String(error)}`,
        );
      });
      stops.push(() => azurite.stop());
      env.AzureWebJobsStorage = azurite.connectionString;
      lines.push(
        `Azurite (storage)      blob :${azurite.ports.blob}  queue :${azurite.ports.queue}  table :${azurite.ports.table}`,
      );
    }
    lines.push(...storageLines(env));
    if (!env.KEY_VAULT_URL) {
      const vault = await startKeyVaultStandIn({
        port: portSetting(env, 'KEY_VAULT_STANDIN_PORT', defaultServicePorts.keyVault),
      });
      stops.push(() => vault.close());
      env.KEY_VAULT_URL = vault.url;
      lines.push(`Key Vault stand-in     ${vault.url}`);
    }
    if (!env.ITERABLE_BASE_URL) {
      const iterable = await startIterableStandIn({
        port: portSetting(env, 'ITERABLE_STANDIN_PORT', defaultServicePorts.iterable),
        apiKeys: [standInIterableKey],
      });
      stops.push(() => iterable.close());
      env.ITERABLE_BASE_URL = iterable.url;
      lines.push(`Iterable stand-in      ${iterable.url}  (lists: ${iterable.url}/_standin/lists)`);
      lines.push(`  stand-in API key     ${standInIterableKey}`);
    }
    let mint: LocalServices['mint'];
    if (!env.AUTH_ISSUER) {
      const issuer = await startDevIssuer({
        port: portSetting(env, 'DEV_ISSUER_PORT', defaultServicePorts.issuer),
      });
      stops.push(() => issuer.close());
      // The dev platform app may act for any tenant, as the platform's own app does in Azure.
      Object.assign(env, issuer.settings, { AUTH_PLATFORM_APP_IDS: devPlatformAppId });
      lines.push(`Token issuer (dev)     ${issuer.issuer}`);
      lines.push(`  tenant (tid) of its tokens  ${devTenantId}  (the folder its segments go in)`);
      mint = (request) => issuer.mint(request);
    }
    // Webhook receivers on this machine listen on loopback, which a deployed app refuses.
    env.WEBHOOKS_ALLOW_LOCAL_TARGETS ??= 'true';
    await provisionStorage(createAppClients(loadSettings(env)));
    return { env, lines, mint, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * What the banner says of the storage the app uses, and where segment snapshots go. A connection
 * string is shown only when it holds Azurite's development key, which Microsoft documents and
 * only the emulator accepts; any other holds a real account key and is never printed.
 */
function storageLines(env: Record<string, string | undefined>): string[] {
  const lines: string[] = [];
  for (const setting of ['AzureWebJobsStorage', 'SEGMENTS_STORAGE']) {
    const location = readStorageLocation(env, setting);
    if (!location) continue;
    if (location.kind === 'identity') {
      lines.push(`  ${setting}  ${location.blobUrl} (Entra ID sign-in)`);
    } else if (usesAzuriteDevelopmentKey(location.connectionString)) {
      lines.push(
        `  ${setting} (Azurite's public development key, not a secret): ${location.connectionString}`,
      );
    } else {
      lines.push(`  ${setting}  from the environment (not shown: it holds an account key)`);
    }
  }
  const from = readStorageLocation(env, 'SEGMENTS_STORAGE')
    ? 'SEGMENTS_STORAGE'
    : 'AzureWebJobsStorage';
  lines.push(
    `Segment snapshots      container ${segmentsContainerName} of ${from}; write one: npm run segment -- put FILE --tenant TID --name NAME`,
  );
  return lines;
}

/**
 * Starts what the product needs on this machine and the Functions hosts running the app (a copy
 * of the deployment package): LOCAL_INSTANCES of them (or `options.instances`), default one.
 * Each line a host prints goes to `onHostLine`, with the host's number (1 for the first).
 */
export async function startLocalStack(
  baseEnv: Record<string, string | undefined>,
  onHostLine: (line: string, instance: number) => void,
  options: { instances?: number } = {},
): Promise<LocalStack> {
  const count =
    options.instances === undefined
      ? instanceCount(baseEnv)
      : instanceCount({ LOCAL_INSTANCES: String(options.instances) });
  const services = await startLocalServices(baseEnv);
  const { env, lines, mint } = services;
  let hosts: HostInstance[] = [];
  // One copy for every host: as in Azure, each instance runs the same package, and none writes it.
  const appPackage = copyAppPackage();
  const stop = async () => {
    await stopHostInstances(hosts.map((host) => host.process));
    appPackage.remove();
    await services.stop();
  };
  try {
    const port = portSetting(env, 'PORT', 7071);
    // As on Azure, the Node.js options reach the worker process the app runs in, not the host.
    const languageWorkers__node__arguments = workerNodeArguments(env).join(' ');
    hosts = await startHostInstances({
      count,
      scriptRoot: appPackage.root,
      port,
      env: { ...env, languageWorkers__node__arguments },
      onLine: onHostLine,
    });
    const [first] = hosts as [HostInstance, ...HostInstance[]];
    lines.unshift(...hostLines(hosts));
    return { url: first.url, env, lines, mint, host: first.process, hosts, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One banner line per host, the first (on PORT) first; with one host, the line it always had. */
function hostLines(hosts: HostInstance[]): string[] {
  const lines = hosts.map((host) => {
    const health = `health: ${host.url}/api/health`;
    const which = hosts.length === 1 ? health : `${host.id}, ${host.number} of ${hosts.length}`;
    const detail = hosts.length > 1 && host.number === 1 ? `${which}; ${health}` : which;
    return `Functions host         ${host.url}  (${detail})`;
  });
  const first = hosts[0];
  if (first) {
    lines.push(
      `  API reference        ${first.url}/api/docs  (OpenAPI: ${first.url}/api/openapi.json)`,
    );
  }
  return lines;
}

/**
 * Node.js options for the app's process. As on Azure, languageWorkers__node__arguments passes
 * them to the Node.js worker; unless it is set, the worker gets the heap the templates give it
 * in Azure (half the instance memory), so a run holds here what it may hold there.
 */
export function workerNodeArguments(env: Record<string, string | undefined>): string[] {
  const configured = env.languageWorkers__node__arguments;
  if (configured !== undefined) return configured.split(/\s+/).filter(Boolean);
  return [`--max-old-space-size=${deployedInstanceMemoryMB() / 2}`];
}

/** The instance memory the deployment parameters ask for (infra/main.parameters.json). */
export function deployedInstanceMemoryMB(): number {
  const file = path.join(repoRoot, 'infra', 'main.parameters.json');
  const parameters = JSON.parse(readFileSync(file, 'utf8')) as {
    parameters?: { instanceMemoryMB?: { value?: unknown } };
  };
  const value = parameters.parameters?.instanceMemoryMB?.value;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new Error(`${file} sets no whole instanceMemoryMB`);
  }
  return value;
}
