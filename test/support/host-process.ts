import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');
const hostMain = path.join(repoRoot, 'dist', 'local', 'host', 'main.js');

export interface HostProcess {
  url: string;
  child: ChildProcess;
  /** Everything the host printed so far (stdout and stderr). */
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface HostProcessOptions {
  /** Compiled app file(s), relative to the repository (e.g. dist/test/local/host/apps/queue-app.js). */
  entry?: string;
  /** The script root; by default a new folder holding `hostJson`. */
  scriptRoot?: string;
  hostJson?: Record<string, unknown>;
  env?: Record<string, string>;
  args?: string[];
}

/** Starts the local Functions host in its own process, as `npm start` does, on a random port. */
export async function startHostProcess(options: HostProcessOptions): Promise<HostProcess> {
  if (!existsSync(hostMain)) throw new Error(`${hostMain} is missing: run "npm run build" first`);
  let scriptRoot = options.scriptRoot;
  if (!scriptRoot) {
    scriptRoot = mkdtempSync(path.join(os.tmpdir(), 'host-test-'));
    writeFileSync(
      path.join(scriptRoot, 'host.json'),
      JSON.stringify(options.hostJson ?? { version: '2.0' }),
    );
  }
  const args = [hostMain, '--script-root', scriptRoot, '--port', '0', ...(options.args ?? [])];
  if (options.entry) args.push('--entry', path.join(repoRoot, options.entry));
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    waiters.forEach((check) => check());
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);

  const waitForOutput = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = output.match(pattern);
        if (match) {
          cleanup();
          resolve(match);
        } else if (child.exitCode !== null) {
          cleanup();
          reject(new Error(`The host exited (${child.exitCode}) before ${pattern}:\n${output}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out waiting for ${pattern}; output:\n${output}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
        child.off('exit', check);
      };
      waiters.add(check);
      child.on('exit', check);
      check();
    });

  const [, url = ''] = await waitForOutput(/Host listening on (http:\/\/\S+)/);
  return {
    url,
    child,
    output: () => output,
    waitForOutput,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      // One signal only: the host handles the first and a second one would end it mid-shutdown.
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
