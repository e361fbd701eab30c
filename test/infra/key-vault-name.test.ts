import { checkKeyVaultName, keyVaultNameFor } from './support/check-key-vault-name';
import { checkRedeployable } from './support/check-redeploy';
import { brokenCopy, repositoryTemplates, type Edit } from './support/infra-folder';
import type { Templates } from './support/templates';

/** Runs a check on a broken copy of infra/ and removes the copy afterwards. */
async function problemsOf(edits: Edit[], check: (templates: Templates) => string[]) {
  const copy = await brokenCopy(edits);
  try {
    return { syntax: copy.templates.syntax, problems: check(copy.templates) };
  } finally {
    copy.remove();
  }
}

const first = { createdAt: '2026-01-05T10:00:00.0000000Z' };
const afterDownAndUp = { createdAt: '2026-03-02T08:30:00.0000000Z' };
const generationInput = 'take(uniqueString(storage.outputs.creationTime), 7)';

describe('the Key Vault name across redeploys and azd down / azd up', () => {
  it('keeps the vault when the environment is deployed again and names a new one after azd down', async () => {
    expect(checkKeyVaultName(await repositoryTemplates())).toEqual([]);
  });

  it('is kv-<token>-<generation>: the same token for the environment, a new generation after azd down', async () => {
    const templates = await repositoryTemplates();
    const before = keyVaultNameFor(templates, first);
    const after = keyVaultNameFor(templates, afterDownAndUp);
    expect(before).toMatch(/^kv-[a-z2-7]{13}-[a-z2-7]{7}$/);
    expect(after).toMatch(/^kv-[a-z2-7]{13}-[a-z2-7]{7}$/);
    expect(after?.slice(0, 16)).toBe(before?.slice(0, 16));
    expect(after).not.toBe(before);
  });

  it('keeps a vault named in KEY_VAULT_NAME, for an environment created before the generation', async () => {
    const name = keyVaultNameFor(await repositoryTemplates(), {
      ...first,
      keyVaultName: 'kv-abcdefghijklm',
    });
    expect(name).toBe('kv-abcdefghijklm');
  });
});

describe('a copy of the templates whose vault name would collide fails the checks', () => {
  const collision = expect.stringMatching(
    /^main\.bicep: the Key Vault's name \(kv-[a-z2-7-]+\) stays the same after azd down and azd up/,
  ) as string;

  it('reports the name of the environment alone, as before the generation', async () => {
    const { syntax, problems } = await problemsOf(
      [
        {
          file: 'main.bicep',
          find: "'${abbrs.keyVaultVaults}${resourceToken}-${keyVaultGeneration}'",
          replace: "'${abbrs.keyVaultVaults}${resourceToken}'",
        },
      ],
      checkKeyVaultName,
    );
    expect(syntax).toEqual([]);
    expect(problems).toEqual([collision]);
  });

  it('reports a generation made of what stays the same after azd down', async () => {
    const { problems } = await problemsOf(
      [
        {
          file: 'main.bicep',
          find: generationInput,
          replace: 'take(uniqueString(storage.outputs.name), 7)',
        },
      ],
      checkKeyVaultName,
    );
    expect(problems).toEqual([collision]);
  });

  it('reports KEY_VAULT_NAME read from the output azd writes back after each deployment', async () => {
    const { problems } = await problemsOf(
      [
        {
          file: 'main.parameters.json',
          find: '${KEY_VAULT_NAME=}',
          replace: '${AZURE_KEY_VAULT_NAME=}',
        },
      ],
      checkKeyVaultName,
    );
    expect(problems).toEqual([
      'main.parameters.json: keyVaultName reads AZURE_KEY_VAULT_NAME, an output azd writes back into the environment',
    ]);
  });

  it('reports a generation that makes the name too long for a vault', async () => {
    const { problems } = await problemsOf(
      [{ file: 'main.bicep', find: generationInput, replace: generationInput.replace('7', '9') }],
      checkKeyVaultName,
    );
    expect(problems).toEqual([
      expect.stringMatching(/^main\.bicep: kv-[a-z2-7-]+ is not a valid Key Vault name$/),
    ]);
  });

  it('accepts only the documented creation time as a per-environment input of uniqueString()', async () => {
    const { problems } = await problemsOf(
      [
        {
          file: 'main.bicep',
          find: generationInput,
          replace: 'take(uniqueString(identity.outputs.principalId), 7)',
        },
      ],
      checkRedeployable,
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^main\.bicep:\d+ makes a unique string from identity\.outputs\.principalId, which may change$/,
      ),
    ]);
  });
});
