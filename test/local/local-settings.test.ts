import { readFileSync } from 'node:fs';
import path from 'node:path';
import { devAudience } from '../../local/dev-issuer';
import {
  defaultServicePorts,
  deployedInstanceMemoryMB,
  workerNodeArguments,
} from '../../local/local-stack';
import { loadSettings } from '../../shared/settings';

const repoRoot = path.resolve(__dirname, '..', '..');
const example = (
  JSON.parse(readFileSync(path.join(repoRoot, 'local.settings.example.json'), 'utf8')) as {
    Values: Record<string, string>;
  }
).Values;

describe('local.settings.example.json (for func start beside npm run stack)', () => {
  it('holds every setting the app needs to start', () => {
    expect(() => loadSettings(example)).not.toThrow();
  });

  it('points at the services npm run stack starts by default', () => {
    expect(example.AzureWebJobsStorage).toBe('UseDevelopmentStorage=true');
    expect(new URL(example.KEY_VAULT_URL ?? '').port).toBe(String(defaultServicePorts.keyVault));
    expect(new URL(example.ITERABLE_BASE_URL ?? '').port).toBe(
      String(defaultServicePorts.iterable),
    );
    expect(new URL(example.AUTH_ISSUER ?? '').port).toBe(String(defaultServicePorts.issuer));
    expect(example.AUTH_JWKS_URL).toBe(`${example.AUTH_ISSUER}/keys`);
    expect(example.AUTH_AUDIENCE).toBe(devAudience);
  });

  it('gives the app the heap npm start and Azure give it', () => {
    expect(example.languageWorkers__node__arguments?.split(' ')).toEqual(workerNodeArguments({}));
  });
});

describe('workerNodeArguments (the app process heap under npm start)', () => {
  it('is half the instance memory the deployment parameters ask for, as the templates set it', () => {
    expect(deployedInstanceMemoryMB()).toBe(2048);
    expect(workerNodeArguments({})).toEqual(['--max-old-space-size=1024']);
  });

  it('takes languageWorkers__node__arguments instead when it is set', () => {
    expect(
      workerNodeArguments({ languageWorkers__node__arguments: ' --max-old-space-size=320  --x ' }),
    ).toEqual(['--max-old-space-size=320', '--x']);
    expect(workerNodeArguments({ languageWorkers__node__arguments: '' })).toEqual([]);
  });
});
