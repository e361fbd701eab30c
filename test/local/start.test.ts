import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { devTenantId } from '../../local/dev-issuer';
import { segmentsContainerName } from '../../shared/storage-layout';
import { isListening } from '../support/ports';

const startScript = path.resolve(__dirname, '..', '..', 'dist', 'local', 'start.js');

describe('npm start (local/start)', () => {
  // A failed expectation must not leave the stack running (and the test run waiting on it).
  let started: ChildProcess | undefined;
  afterEach(() => {
    if (started && started.exitCode === null && started.signalCode === null) started.kill('SIGINT');
  });

  it('brings up Azurite, the stand-ins and the host, answers /api/health, and stops them all on SIGINT', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      AZURITE_PORTS: '0,0,0',
      KEY_VAULT_STANDIN_PORT: '0',
      ITERABLE_STANDIN_PORT: '0',
      DEV_ISSUER_PORT: '0',
    };
    for (const name of ['AzureWebJobsStorage', 'KEY_VAULT_URL', 'ITERABLE_BASE_URL'])
      delete env[name];
    const child = spawn(process.execPath, [startScript], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started = child;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );

    const deadline = Date.now() + 30_000;
    while (!output.includes('Press Ctrl-C') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(output).toContain('Press Ctrl-C to stop everything.');
    const banner = output.slice(output.indexOf('Ready:'));
    const hostUrl = /Functions host\s+(\S+)/.exec(banner)?.[1] ?? '';
    const ports = [...banner.matchAll(/:(\d{2,5})\b/g)].map((match) => Number(match[1]));
    // host, three Azurite services, two stand-ins, the token issuer
    expect(new Set(ports).size).toBeGreaterThanOrEqual(7);
    const adminToken = /Admin token \(1 hour\):\s+(\S+)/.exec(banner)?.[1] ?? '';
    const connections = await fetch(`${hostUrl}/api/connections`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(connections.status).toBe(200);

    // The storage connection string is printed, said to be Azurite's public key, and works.
    const printed = /AzureWebJobsStorage \(Azurite's public development key, not a secret\): (\S+)/;
    const connectionString = printed.exec(banner)?.[1] ?? '';
    expect(connectionString).toContain('AccountName=devstoreaccount1');
    const segments =
      BlobServiceClient.fromConnectionString(connectionString).getContainerClient(
        segmentsContainerName,
      );
    expect(await segments.exists()).toBe(true);
    expect(banner).toContain(`tenant (tid) of its tokens  ${devTenantId}`);
    expect(banner).toContain('npm run segment -- put FILE --tenant TID --name NAME');

    const reference = /API reference\s+(\S+)/.exec(banner)?.[1] ?? '';
    expect(reference).toBe(`${hostUrl}/api/docs`);
    expect((await fetch(reference)).headers.get('content-type')).toBe('text/html; charset=utf-8');

    const health = await fetch(`${hostUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'healthy',
      checks: { storage: { status: 'healthy' } },
    });

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const stillListening = await Promise.all(ports.map(isListening));
    expect(ports.filter((_, index) => stillListening[index])).toEqual([]);
  });

  it('stops with a message naming the setting when one is malformed', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      KEY_VAULT_URL: 'not a url',
      ITERABLE_STANDIN_PORT: '0',
      DEV_ISSUER_PORT: '0',
    };
    const child = spawn(process.execPath, [startScript], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/Setting KEY_VAULT_URL must be an http\(s\) URL/);
  });
});
