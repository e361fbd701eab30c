import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { loadSettings } from '../../shared/settings';

const stackScript = path.resolve(__dirname, '..', '..', 'dist', 'local', 'stack.js');

function isListening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ port: Number(port), host: hostname });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm run stack (local/stack)', () => {
  it('starts the services without the app, prints their settings, and stops them on SIGINT', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AZURITE_PORTS: '0,0,0',
      KEY_VAULT_STANDIN_PORT: '0',
      ITERABLE_STANDIN_PORT: '0',
      DEV_ISSUER_PORT: '0',
    };
    for (const name of ['AzureWebJobsStorage', 'KEY_VAULT_URL', 'ITERABLE_BASE_URL', 'AUTH_ISSUER'])
      delete env[name];
    const child = spawn(process.execPath, [stackScript], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 30_000;
    while (!output.includes('Press Ctrl-C') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(output).toContain('Press Ctrl-C to stop everything.');
    expect(output).not.toContain('Functions host');

    const settings: Record<string, string> = Object.fromEntries(
      [...output.matchAll(/^ {2}(\w+)=(.*)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']),
    );
    // Exactly what the app needs to start: the settings parse as the app parses them.
    expect(() => loadSettings(settings)).not.toThrow();
    const keyVault = await fetch(`${settings.KEY_VAULT_URL}/secrets?api-version=2025-07-01`);
    expect(keyVault.status).toBe(401);
    const lists = await fetch(`${settings.ITERABLE_BASE_URL}/api/lists`, {
      headers: { 'Api-Key': /stand-in API key\s+(\S+)/.exec(output)?.[1] ?? '' },
    });
    expect(lists.status).toBe(200);
    const token = /Admin token \(1 hour\):\s+(\S+)/.exec(output)?.[1] ?? '';
    expect(token.split('.')).toHaveLength(3);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await isListening(settings.KEY_VAULT_URL ?? '')).toBe(false);
    expect(await isListening(settings.ITERABLE_BASE_URL ?? '')).toBe(false);
  });
});
