import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isListening } from '../support/ports';

const startScript = path.resolve(__dirname, '..', '..', 'dist', 'local', 'start.js');

/** The child processes of `pid` (Linux). */
function childPids(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text ? text.split(/\s+/).map(Number) : [];
}

/** The host process `npm start` runs as the instance with this id. */
function hostPid(startPid: number, instanceId: string): number | undefined {
  return childPids(startPid).find((pid) => {
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return environ.includes(`WEBSITE_INSTANCE_ID=${instanceId}`);
  });
}

function startWith(settings: Record<string, string>) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    AZURITE_PORTS: '0,0,0',
    KEY_VAULT_STANDIN_PORT: '0',
    ITERABLE_STANDIN_PORT: '0',
    DEV_ISSUER_PORT: '0',
    ...settings,
  };
  for (const name of ['AzureWebJobsStorage', 'KEY_VAULT_URL', 'ITERABLE_BASE_URL'])
    delete env[name];
  const child = spawn(process.execPath, [startScript], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output, exited };
}

describe('npm start with LOCAL_INSTANCES', () => {
  it('runs one host per instance, says which printed what, and stops everything when one exits', async () => {
    const { child, output, exited } = startWith({ LOCAL_INSTANCES: '2' });
    const deadline = Date.now() + 60_000;
    while (!output.stdout.includes('Press Ctrl-C') && Date.now() < deadline) {
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const banner = output.stdout.slice(output.stdout.indexOf('Ready:'));
    const hosts = [...banner.matchAll(/Functions host\s+(\S+)\s+\((local-\d), (\d) of 2/g)];
    expect(hosts.map(([, , id]) => id)).toEqual(['local-1', 'local-2']);
    const urls = hosts.map(([, url = '']) => url);
    expect(new Set(urls).size).toBe(2);
    for (const url of urls) expect((await fetch(`${url}/api/health`)).status).toBe(200);
    expect(output.stdout).toMatch(/^\[local-1\] /m);
    expect(output.stdout).toMatch(/^\[local-2\] /m);
    const ports = [...banner.matchAll(/:(\d{2,5})\b/g)].map((match) => Number(match[1]));

    const second = hostPid(child.pid!, 'local-2');
    expect(second).toBeDefined();
    process.kill(second!, 'SIGKILL');
    expect(await exited).toBe(1);
    expect(output.stderr).toContain('The Functions host local-2 exited');
    const stillListening = await Promise.all(ports.map(isListening));
    expect(ports.filter((_, index) => stillListening[index])).toEqual([]);
  }, 90_000);

  it('stops with a message naming the setting when it is not 1 to 16', async () => {
    const { output, exited } = startWith({ LOCAL_INSTANCES: '17' });
    expect(await exited).toBe(1);
    expect(output.stderr).toContain('Setting LOCAL_INSTANCES must be a whole number from 1 to 16');
  });
});
