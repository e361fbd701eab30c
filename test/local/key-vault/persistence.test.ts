import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startKeyVaultStandIn } from '../../../local/key-vault/server';
import { createSecretClient } from '../../../shared/clients/key-vault';

describe('Key Vault stand-in dataDir', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'key-vault-stand-in-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps secrets, versions and soft deletes across a restart', async () => {
    const first = await startKeyVaultStandIn({ port: 0, dataDir });
    const client = createSecretClient(first.url);
    const v1 = await client.setSecret('kept', 'one');
    await client.setSecret('kept', 'two');
    await client.setSecret('deleted', 'x');
    await (await client.beginDeleteSecret('deleted', { intervalInMs: 10 })).pollUntilDone();
    await first.close();

    const second = await startKeyVaultStandIn({ port: 0, dataDir });
    try {
      const restarted = createSecretClient(second.url);
      expect((await restarted.getSecret('kept')).value).toBe('two');
      const old = await restarted.getSecret('kept', { version: v1.properties.version });
      expect(old.value).toBe('one');
      await expect(restarted.getDeletedSecret('deleted')).resolves.toMatchObject({
        name: 'deleted',
      });
    } finally {
      await second.close();
    }
  });

  it('writes one owner-only JSON file and leaves no temporary files behind', async () => {
    const standIn = await startKeyVaultStandIn({ port: 0, dataDir });
    const client = createSecretClient(standIn.url);
    await Promise.all(['a', 'b', 'c'].map((name) => client.setSecret(`file-${name}`, name)));
    await standIn.close();

    expect(await readdir(dataDir)).toEqual(['key-vault.json']);
    const filePath = path.join(dataDir, 'key-vault.json');
    expect((await stat(filePath)).mode & 0o077).toBe(0);
    const saved = JSON.parse(await readFile(filePath, 'utf8')) as { secrets: unknown[] };
    expect(saved.secrets).toHaveLength(3);
  });

  it('keeps secrets only in memory when no dataDir is given', async () => {
    const first = await startKeyVaultStandIn({ port: 0 });
    await createSecretClient(first.url).setSecret('volatile', 'v');
    await first.close();

    const second = await startKeyVaultStandIn({ port: 0 });
    try {
      const error = await createSecretClient(second.url)
        .getSecret('volatile')
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ statusCode: 404 });
    } finally {
      await second.close();
    }
  });

  it('refuses to start on a data file it did not write, rather than overwrite it', async () => {
    await writeFile(path.join(dataDir, 'key-vault.json'), JSON.stringify({ something: 'else' }));

    await expect(startKeyVaultStandIn({ port: 0, dataDir })).rejects.toThrow(
      /not a Key Vault stand-in data file/,
    );
  });
});
