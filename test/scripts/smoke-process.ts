import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The compiled script, as `npm run smoke` runs it (built by npm run build or npm run package). */
const smokeScript = path.resolve(__dirname, '..', '..', 'dist', 'scripts', 'smoke.js');

export interface SmokeResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout's lines, without the empty last one. */
  lines: string[];
}

/**
 * Runs `node dist/scripts/smoke.js` with `args`, in an environment holding only what Node needs
 * and `env`: a SMOKE_TOKEN of the caller's environment never reaches it. Asynchronous, so the
 * stand-ins that live in the test's own process keep answering meanwhile.
 */
export function runSmoke(args: string[], env: Record<string, string> = {}): Promise<SmokeResult> {
  if (!existsSync(smokeScript))
    throw new Error(`${smokeScript} is missing: run npm run package (or npm run build) first`);
  const { PATH, HOME, TMPDIR, SYSTEMROOT } = process.env;
  const child = spawn(process.execPath, [smokeScript, ...args], {
    env: { PATH, HOME, TMPDIR, SYSTEMROOT, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, lines: stdout.split('\n').filter((line) => line !== '') });
    });
  });
}
