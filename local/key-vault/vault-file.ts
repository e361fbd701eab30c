import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { StoredVault } from './schemas';
import { StoredVaultSchema } from './schemas';

const FILE_NAME = 'key-vault.json';

// A structural check: `instanceof Error` is false for fs errors created in another realm (jest's).
function isMissingFile(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}

/**
 * The stand-in's secrets in one JSON file inside `dataDir`, so a local run keeps them across
 * restarts. Each save writes a temporary file and renames it over the old one, so a crash leaves
 * either the previous or the new vault, never half of one. Values are stored in plain text: this
 * is a development stand-in, and the file is created readable by its owner only.
 */
export class VaultFile {
  private lastWrite: Promise<void> = Promise.resolve();

  private constructor(readonly filePath: string) {}

  /** Creates `dataDir` if needed and reads the vault saved there, if any. */
  static async open(dataDir: string): Promise<{ file: VaultFile; vault?: StoredVault }> {
    await mkdir(dataDir, { recursive: true });
    const file = new VaultFile(path.join(path.resolve(dataDir), FILE_NAME));
    let text: string;
    try {
      text = await readFile(file.filePath, 'utf8');
    } catch (error) {
      if (isMissingFile(error)) return { file };
      throw error;
    }
    const parsed = StoredVaultSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      // Refuse to start rather than overwrite secrets someone may still want.
      throw new Error(
        `${file.filePath} is not a Key Vault stand-in data file: ${parsed.error.message}`,
      );
    }
    return { file, vault: parsed.data };
  }

  /** Saves in call order; the text is taken now, so later changes cannot leak into this write. */
  save(vault: StoredVault): Promise<void> {
    const text = `${JSON.stringify(vault, null, 2)}\n`;
    const write = this.lastWrite.catch(() => undefined).then(() => this.write(text));
    this.lastWrite = write;
    return write;
  }

  /** Resolves once every save asked for so far has reached the disk (or failed). */
  async flush(): Promise<void> {
    await this.lastWrite.catch(() => undefined);
  }

  private async write(text: string): Promise<void> {
    const temporaryPath = `${this.filePath}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const handle = await open(temporaryPath, 'w', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporaryPath, this.filePath);
    } catch (error) {
      await rm(temporaryPath, { force: true });
      throw error;
    }
  }
}
