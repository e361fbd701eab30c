import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { projectRoot } from './app-package';
import { stopChild } from './azurite';

/**
 * The app's Functions host processes. Flex Consumption runs an app on as many instances as its
 * backlog asks for, all on one storage account: each runs every trigger (HTTP behind the load
 * balancer, the queues, the timers and Event Grid), the queues share the work out and the timers
 * run on one instance at a time (the listener lock). LOCAL_INSTANCES=N runs N such hosts here.
 */

const hostMain = path.join(projectRoot(), 'dist', 'local', 'host', 'main.js');

/** At most this many hosts: each is two Node.js processes (the host and the app's worker). */
export const maxInstances = 16;

export interface HostInstance {
  /** WEBSITE_INSTANCE_ID of this host: local-1, local-2, ... */
  id: string;
  /** 1 for the first. */
  number: number;
  url: string;
  process: ChildProcess;
}

/** LOCAL_INSTANCES: how many hosts run the app, 1 unless set. */
export function instanceCount(env: Record<string, string | undefined>): number {
  const text = env.LOCAL_INSTANCES?.trim();
  if (text === undefined || text === '') return 1;
  const count = Number(text);
  if (!/^\d+$/.test(text) || count < 1 || count > maxInstances) {
    throw new Error(
      `Setting LOCAL_INSTANCES must be a whole number from 1 to ${maxInstances}, not "${env.LOCAL_INSTANCES}"`,
    );
  }
  return count;
}

/** The instance id a local host gets, as Azure gives each instance its WEBSITE_INSTANCE_ID. */
export function localInstanceId(number: number): string {
  return `local-${number}`;
}

/**
 * Starts `count` hosts on the package at `scriptRoot`, each started as a single host is
 * (`--script-root`), and resolves once every one listens. The first listens on `port`, the
 * others on free ports. Each line a host prints goes to `onLine` with the host's number.
 */
export async function startHostInstances(options: {
  count: number;
  scriptRoot: string;
  port: number;
  env: Record<string, string | undefined>;
  onLine: (line: string, instance: number) => void;
}): Promise<HostInstance[]> {
  const started: ChildProcess[] = [];
  try {
    return await Promise.all(
      Array.from({ length: options.count }, async (_, index) => {
        const number = index + 1;
        const port = String(index === 0 ? options.port : 0);
        const child = spawn(
          process.execPath,
          [hostMain, '--script-root', options.scriptRoot, '--port', port],
          {
            env: { ...options.env, PORT: port, WEBSITE_INSTANCE_ID: localInstanceId(number) },
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        started.push(child);
        const url = await waitForHost(child, (line) => options.onLine(line, number));
        return { id: localInstanceId(number), number, url, process: child };
      }),
    );
  } catch (error) {
    await stopHostInstances(started);
    throw error;
  }
}

/** Stops every host (Ctrl-C's signal, then SIGKILL after 15 s), all at once. */
export async function stopHostInstances(hosts: ChildProcess[]): Promise<void> {
  await Promise.all(hosts.map((host) => stopChild(host, 15_000)));
}

/** Passes the host's output through and resolves with its URL once it listens. */
function waitForHost(
  host: ChildProcess,
  onLine: (line: string) => void,
  timeoutMs = 30_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The Functions host did not start within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    host.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The Functions host exited (${code}) before it listened`));
    });
    readline.createInterface({ input: host.stdout! }).on('line', (line) => {
      onLine(line);
      const match = /^Host listening on (\S+)/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
}
