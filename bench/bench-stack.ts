import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { BlobServiceClient } from '@azure/storage-blob';
import { copyAppPackage, projectRoot } from '../local/app-package';
import { stopChild } from '../local/azurite';
import { devTenantId } from '../local/dev-issuer';
import { localInstanceId } from '../local/host-instances';
import { startIterableStandIn, type IterableStandIn } from '../local/iterable/server';
import { standInIterableKey, startLocalServices, workerNodeArguments } from '../local/local-stack';
import { segmentsContainerName } from '../shared/storage-layout';
import { childPids } from './process-usage';
import { benchDataFields, segmentStream, type SegmentOptions } from './segment-generator';

/**
 * The local stack of the large benchmarks (large-bench.ts, killed-planner-bench.ts): the same
 * services `npm run bench` runs on (Azurite, the Key Vault stand-in, the token issuer) and the
 * Functions hosts on one copy of the package, as local/local-stack.ts starts them, with what those
 * benchmarks need besides: the Iterable stand-in in this process (so a 10M list is checked without
 * a 300 MB answer), each host's output (stdout and stderr) line by line, the hosts' temporary
 * folder in a fresh folder of its own (TMPDIR, TMP, TEMP), extra host arguments (a shorter queue
 * lease) and a way to kill one host with its worker, as an instance dies.
 */

export interface BenchHost {
  /** 1 for the first. */
  number: number;
  id: string;
  url: string;
  process: ChildProcess;
  /** Set once the bench killed it. */
  killed: boolean;
}

export type ApiCall = (
  method: string,
  route: string,
  body?: unknown,
) => Promise<Record<string, unknown>>;

export interface BenchStack {
  env: Record<string, string | undefined>;
  iterable: IterableStandIn;
  hosts: BenchHost[];
  /** The hosts' own temporary folder (empty at the start). */
  tmpDir: string;
  logFile: string;
  /** Calls the API as an Admin of the dev tenant through the first host still alive. */
  call: ApiCall;
  /** Every pid of the live hosts: each host process and its worker(s). */
  pids(): number[];
  /** SIGKILL to a host and its worker at once: the instance is gone, its leases still held. */
  kill(host: BenchHost): void;
  uploadSegment(name: string, options: SegmentOptions): Promise<void>;
  /** Creates an export of one segment on the stand-in connection, as `npm run bench` does. */
  createExport(segment: string): Promise<string>;
  stop(): Promise<void>;
}

const hostMain = path.join(projectRoot(), 'dist', 'local', 'host', 'main.js');

export async function startBenchStack(options: {
  name: string;
  instances: number;
  /** Node.js options of the app's worker (languageWorkers__node__arguments). */
  workerArguments?: string;
  /** Extra arguments of every host (e.g. `--queue-lease-seconds 30`). */
  hostArgs?: string[];
  onLine?: (line: string, host: number) => void;
}): Promise<BenchStack> {
  const logFile = path.join(
    os.tmpdir(),
    `iterable-segment-export-${options.name}-${process.pid}.log`,
  );
  const log = createWriteStream(logFile);
  const tmpDir = mkdtempSync(
    path.join(os.tmpdir(), `iterable-segment-export-${options.name}-tmp-`),
  );
  const iterable = await startIterableStandIn({ apiKeys: [standInIterableKey] });
  const stops: Array<() => Promise<void>> = [
    async () => {
      await iterable.close();
      log.end();
      rmSync(tmpDir, { recursive: true, force: true });
    },
  ];
  const hosts: BenchHost[] = [];
  const stop = async () => {
    await Promise.all(hosts.map((host) => stopChild(host.process, 15_000)));
    for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined);
  };
  try {
    const services = await startLocalServices({
      ...process.env,
      AZURITE_PORTS: '0,0,0',
      KEY_VAULT_STANDIN_PORT: '0',
      DEV_ISSUER_PORT: '0',
      ITERABLE_BASE_URL: iterable.url,
    });
    stops.push(() => services.stop());
    const appPackage = copyAppPackage();
    stops.push(() => Promise.resolve(appPackage.remove()));
    const env: Record<string, string | undefined> = {
      ...services.env,
      TMPDIR: tmpDir,
      TMP: tmpDir,
      TEMP: tmpDir,
      languageWorkers__node__arguments:
        options.workerArguments ?? workerNodeArguments(services.env).join(' '),
    };
    const onLine = (line: string, host: number) => {
      log.write(`[host ${host}] ${line}\n`);
      options.onLine?.(line, host);
    };
    // Each host joins `hosts` as it is spawned, so a failed start still stops the others.
    await Promise.all(
      Array.from({ length: options.instances }, (_, index) =>
        startHost(index + 1, appPackage.root, env, options.hostArgs ?? [], onLine, hosts),
      ),
    );
    const token = await services.mint!({ roles: ['Admin'] });
    const call: ApiCall = async (method, route, body) => {
      const host = hosts.find((one) => !one.killed);
      if (!host) throw new Error('No host is left to call');
      const response = await fetch(`${host.url}/api/${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (!response.ok) {
        throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
      }
      return json;
    };
    const connection = await call('POST', 'connections', {
      displayName: 'Benchmark',
      apiKey: standInIterableKey,
      consent: { accepted: true },
    });
    return {
      env,
      iterable,
      hosts,
      tmpDir,
      logFile,
      call,
      pids: () =>
        hosts
          .filter((host) => !host.killed && host.process.pid !== undefined)
          .flatMap((host) => [host.process.pid!, ...childPids(host.process.pid!)]),
      kill: (host) => {
        const pid = host.process.pid;
        if (pid === undefined) return;
        const workers = childPids(pid);
        host.killed = true;
        for (const one of [pid, ...workers]) {
          try {
            process.kill(one, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      },
      uploadSegment: async (name, segment) => {
        await BlobServiceClient.fromConnectionString(env.AzureWebJobsStorage ?? '')
          .getContainerClient(segmentsContainerName)
          .getBlockBlobClient(`${devTenantId}/${name}.csv`)
          .uploadStream(segmentStream(segment), 4 * 1024 * 1024, 4);
      },
      createExport: async (segment) => {
        const saved = await call('POST', 'exports', {
          displayName: segment,
          connectionId: connection.id,
          segments: [segment],
          emailField: 'email',
          dataFields: benchDataFields,
        });
        return String(saved.id);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One host, started as local/host-instances.ts starts each (its own WEBSITE_INSTANCE_ID). */
function startHost(
  number: number,
  scriptRoot: string,
  env: Record<string, string | undefined>,
  hostArgs: string[],
  onLine: (line: string, host: number) => void,
  started: BenchHost[],
): Promise<BenchHost> {
  const child = spawn(
    process.execPath,
    [hostMain, '--script-root', scriptRoot, '--port', '0', ...hostArgs],
    {
      env: { ...env, PORT: '0', WEBSITE_INSTANCE_ID: localInstanceId(number) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const host: BenchHost = {
    number,
    id: localInstanceId(number),
    url: '',
    process: child,
    killed: false,
  };
  started.push(host);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Host ${number} did not start within 60 s`)),
      60_000,
    );
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!host.url)
        reject(new Error(`Host ${number} exited (${code ?? signal}) before it listened`));
    });
    readline.createInterface({ input: child.stderr }).on('line', (line) => onLine(line, number));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      onLine(line, number);
      const match = /^Host listening on (\S+)/.exec(line);
      if (match?.[1] && !host.url) {
        host.url = match[1];
        clearTimeout(timer);
        resolve(host);
      }
    });
  });
}
