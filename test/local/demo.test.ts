import { spawn } from 'node:child_process';
import path from 'node:path';

const demoScript = path.resolve(__dirname, '..', '..', 'dist', 'local', 'demo.js');

describe('npm run demo (local/demo)', () => {
  it('exports a generated segment end to end and shows the filled list', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DEMO_PROFILES: '3000',
      PORT: '0',
      AZURITE_PORTS: '0,0,0',
      KEY_VAULT_STANDIN_PORT: '0',
      ITERABLE_STANDIN_PORT: '0',
      DEV_ISSUER_PORT: '0',
    };
    for (const name of [
      'AzureWebJobsStorage',
      'KEY_VAULT_URL',
      'ITERABLE_BASE_URL',
      'AUTH_ISSUER',
    ]) {
      delete env[name];
    }
    const child = spawn(process.execPath, [demoScript], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(output).toMatch(/Run succeeded in [\d.]+ s: 3000 added, 0 rejected, 0 failed\./);
    expect(output).toContain("list 'Demo newsletter subscribers'");
    expect(output).toContain('now has 3,000 members');
    expect(output).toContain('The platform reported the refresh; the export runs.');
    expect(output).toMatch(
      /Webhook received com\.iterable-segment-export\.run\.succeeded for exports\/[\w-]+\/runs\/[\w-]+, signature verified\./,
    );
    expect(code).toBe(0);
  });
});
