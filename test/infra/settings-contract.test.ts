import { loadSettings } from '../../shared/settings';
import {
  apiParameterSamples,
  bindingExpressionSettings,
  checkAppSettings,
  deployedValues,
  refreshScheduleDefaults,
  settingsEnvironment,
  templateAppSettings,
} from './support/check-settings';
import { runSettingsModule } from './support/code-contract';
import { repositoryTemplates } from './support/infra-folder';
import { readJson } from './support/templates';

async function environment(): Promise<Record<string, string>> {
  const settings = templateAppSettings(await repositoryTemplates());
  if (!settings) throw new Error('api.bicep sets no app settings');
  return settingsEnvironment(settings);
}

describe('app settings contract (infra/app/api.bicep against shared/settings.ts)', () => {
  it('sets every setting the settings module requires, with values it accepts', async () => {
    expect(checkAppSettings(await repositoryTemplates())).toEqual([]);
  });

  it('gives the app identity-based storage, a separate segments account and the vault', async () => {
    const settings = loadSettings(await environment());
    const clientId = apiParameterSamples.identityClientId;
    expect(settings.storage).toEqual({
      kind: 'identity',
      blobUrl: 'https://stabc123.blob.core.windows.net',
      queueUrl: 'https://stabc123.queue.core.windows.net',
      tableUrl: 'https://stabc123.table.core.windows.net',
      clientId,
    });
    expect(settings.segmentsStorage).toMatchObject({
      kind: 'identity',
      blobUrl: 'https://stsegabc123.blob.core.windows.net',
      clientId,
    });
    expect(settings.keyVaultUrl).toBe('https://kv-abc123.vault.azure.net');
    expect(settings.iterableBaseUrl).toBeUndefined();
    // Telemetry on, signed in with the identity (Application Insights has local auth off).
    expect(settings.telemetry).toEqual({
      connectionString: deployedValues['applicationInsights.properties.ConnectionString'],
      clientId,
    });
  });

  it('finds what the code requires by taking each setting away', async () => {
    const env = await environment();
    const required = Object.keys(env).filter((name) => {
      const { [name]: _removed, ...rest } = env;
      return runSettingsModule(rest).error !== undefined;
    });
    expect(required).toEqual(
      expect.arrayContaining([
        'AzureWebJobsStorage__accountName',
        'KEY_VAULT_URL',
        'AUTH_ISSUER',
        'AUTH_AUDIENCE',
        'AUTH_JWKS_URL',
      ]),
    );
  });

  it('sets REFRESH_TIMER_SCHEDULE from a parameter that defaults to every five minutes', async () => {
    const templates = await repositoryTemplates();
    expect((await environment()).REFRESH_TIMER_SCHEDULE).toBe('0 */5 * * * *');
    expect(refreshScheduleDefaults(templates)).toEqual({
      'main.bicep': '0 */5 * * * *',
      'app/api.bicep': '0 */5 * * * *',
    });
    const file = readJson(templates, 'main.parameters.json') as {
      parameters: Record<string, { value: unknown }>;
    };
    expect(file.parameters.refreshTimerSchedule?.value).toBe(
      '${REFRESH_TIMER_SCHEDULE=0 */5 * * * *}',
    );
  });

  it('caps the Node.js heap at half the instance memory', async () => {
    // main.bicep's default instance size reaches api.bicep; V8 would size its heap from the host.
    expect((await environment()).languageWorkers__node__arguments).toBe(
      '--max-old-space-size=1024',
    );
  });

  it('sets every setting a binding expression names', async () => {
    const env = await environment();
    const names = bindingExpressionSettings();
    expect(names).toContain('REFRESH_TIMER_SCHEDULE');
    for (const name of names) expect(env).toHaveProperty([name]);
  });

  it('takes AUTH_* from parameters the environment supplies', async () => {
    const templates = await repositoryTemplates();
    const file = readJson(templates, 'main.parameters.json') as {
      parameters: Record<string, { value: unknown }>;
    };
    expect(file.parameters.authIssuer?.value).toBe('${AUTH_ISSUER}');
    expect(file.parameters.authAudience?.value).toBe('${AUTH_AUDIENCE}');
    expect(file.parameters.authJwksUrl?.value).toBe('${AUTH_JWKS_URL}');
  });
});
