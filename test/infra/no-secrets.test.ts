import { checkNoSecrets, namedLikeSecret } from './support/check-secrets';
import { repositoryTemplates } from './support/infra-folder';

describe('no secrets in the templates', () => {
  it('calls no list*() function and puts no key, connection string or secret in an output, setting or default', async () => {
    expect(checkNoSecrets(await repositoryTemplates())).toEqual([]);
  });

  it.each(['apiKey', 'STORAGE_CONNECTION_STRING', 'clientSecret', 'adminPassword', 'sasToken'])(
    'takes %s for a secret name',
    (name) => expect(namedLikeSecret(name)).toBe(true),
  );

  it.each([
    'keyVaultUri',
    'AZURE_KEY_VAULT_NAME',
    'KEY_VAULT_URL',
    'AzureWebJobsStorage__credential',
  ])('does not take %s for a secret name', (name) => expect(namedLikeSecret(name)).toBe(false));
});
