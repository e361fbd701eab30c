import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const repoRoot = path.resolve(__dirname, '..', '..');

interface AzureYaml {
  requiredVersions?: { azd?: string };
  services: Record<
    string,
    {
      project: string;
      host: string;
      dist?: string;
      remoteBuild?: boolean;
      hooks?: Record<string, { run: string }>;
    }
  >;
}

describe('azure.yaml', () => {
  const config = parse(readFileSync(path.join(repoRoot, 'azure.yaml'), 'utf8')) as AzureYaml;
  const api = config.services.api;

  it('deploys the folder npm run package builds, unchanged', () => {
    expect(api).toMatchObject({ project: '.', host: 'function', dist: 'out/functionapp' });
    expect(api?.remoteBuild).toBe(false);
    expect(api?.hooks?.prepackage?.run).toBe('npm run package');
  });

  it('asks for an azd that knows remoteBuild and checks it against .funcignore', () => {
    expect(config.requiredVersions?.azd).toBe('>= 1.23.12');
  });
});
