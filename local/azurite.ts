import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

/** Azurite's well-known development account (public, documented, accepted only by the emulator). */
const devAccount = 'devstoreaccount1';
const devKey =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuritePorts {
  blob: number;
  queue: number;
  table: number;
}

export interface Azurite {
  ports: AzuritePorts;
  connectionString: string;
  /** The folder its data are in (`location`, or its own temporary one). */
  dataFolder: string;
  stop(): Promise<void>;
}

/** The standard ports; `0` for each gives random free ports (tests). */
export const defaultAzuritePorts: AzuritePorts = { blob: 10000, queue: 10001, table: 10002 };

/** The ports AZURITE_PORTS ("blob,queue,table") asks for, else the standard ones. */
export function azuritePortsSetting(env: Record<string, string | undefined>): AzuritePorts {
  if (!env.AZURITE_PORTS) return defaultAzuritePorts;
  const [blob, queue, table] = env.AZURITE_PORTS.split(',').map(Number);
  const ports = { blob, queue, table };
  if (!Object.values(ports).every((p) => p !== undefined && Number.isInteger(p) && p >= 0)) {
    throw new Error('Setting AZURITE_PORTS must be three port numbers: "blob,queue,table"');
  }
  return ports as AzuritePorts;
}

/** Whether a connection string holds Azurite's public development key (which is no secret). */
export function usesAzuriteDevelopmentKey(connectionString: string): boolean {
  return connectionString.includes(`AccountKey=${devKey}`);
}

export function azuriteConnectionString(ports: AzuritePorts, host = '127.0.0.1'): string {
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${devAccount}`,
    `AccountKey=${devKey}`,
    `BlobEndpoint=http://${host}:${ports.blob}/${devAccount}`,
    `QueueEndpoint=http://${host}:${ports.queue}/${devAccount}`,
    `TableEndpoint=http://${host}:${ports.table}/${devAccount}`,
  ].join(';');
}

export interface AzuriteOptions {
  /**
   * A folder Azurite keeps its data in, so a stopped Azurite started again on the same folder
   * (and ports) finds its blobs, queues and tables as they were. Default: a temporary folder of
   * its own, removed when it stops. Never Azurite's in-memory mode: its queue store's clean-up,
   * every 60 s, blocks the emulator for seconds once a few thousand messages have come and gone
   * (6 s after 3,000), which no storage account in Azure does and which skews every timing.
   */
  location?: string;
}

/**
 * Starts Azurite from node_modules as a child process: its data in `location` or a temporary
 * folder, telemetry off, on loopback. Resolves once all three services listen, with the ports they
 * actually took.
 */
export async function startAzurite(
  ports: AzuritePorts = defaultAzuritePorts,
  host = '127.0.0.1',
  options: AzuriteOptions = {},
): Promise<Azurite> {
  const script = require.resolve('azurite/dist/src/azurite.js');
  const ownFolder = options.location
    ? undefined
    : await mkdtemp(path.join(os.tmpdir(), 'iterable-segment-export-azurite-'));
  const args = [
    script,
    '--location',
    options.location ?? ownFolder!,
    '--disableTelemetry',
    // The newest storage SDKs send an x-ms-version newer than Azurite knows (2026-10-06 from
    // storage-blob 12.34); the operations the app uses are unchanged, so skip the check.
    '--skipApiVersionCheck',
    ...['blob', 'queue', 'table'].flatMap((service) => [`--${service}Host`, host]),
    ...Object.entries(ports).flatMap(([service, port]) => [`--${service}Port`, String(port)]),
  ];
  const removeOwnFolder = async () => {
    if (ownFolder) await rm(ownFolder, { recursive: true, force: true });
  };
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const actual = await waitForListening(child).catch(async (error: unknown) => {
    await removeOwnFolder();
    throw error;
  });
  return {
    ports: actual,
    connectionString: azuriteConnectionString(actual, host),
    dataFolder: options.location ?? ownFolder!,
    stop: async () => {
      await stopChild(child);
      await removeOwnFolder();
    },
  };
}

function waitForListening(child: ChildProcess): Promise<AzuritePorts> {
  return new Promise((resolve, reject) => {
    const found: Partial<AzuritePorts> = {};
    const output: string[] = [];
    const lines = readline.createInterface({ input: child.stdout! });
    const onLine = (line: string) => {
      output.push(line);
      const match = /Azurite (Blob|Queue|Table) service is successfully listening at .*:(\d+)/.exec(
        line,
      );
      if (!match) return;
      found[match[1]!.toLowerCase() as keyof AzuritePorts] = Number(match[2]);
      if (found.blob && found.queue && found.table) {
        lines.off('line', onLine);
        // Keep draining output so a full pipe never blocks the emulator.
        child.stdout!.resume();
        resolve(found as AzuritePorts);
      }
    };
    lines.on('line', onLine);
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) =>
      reject(new Error(`Azurite exited (code ${code}) before listening:\n${output.join('\n')}`)),
    );
    child.once('error', reject);
  });
}

export function stopChild(child: ChildProcess, timeoutMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
