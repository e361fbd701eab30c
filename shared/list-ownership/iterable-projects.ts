import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { getOrUndefined, statusCodeOf } from '../clients/azure-errors';
import { versionedFormat } from '../schema-version';

/**
 * The identity of the Iterable project a key reaches, which is what list ownership is keyed by.
 *
 * Iterable has no endpoint that names the project behind a key (its API reference offers none,
 * and list ids are not documented as unique beyond a project), so the app gives each project an
 * identity of its own: the SHA-256 of the first key it met, never the key. Each key's hash is an
 * alias row pointing at that identity. Rotating a connection's key adds the new key's alias to
 * the same identity, so claims never move, and connections still on the previous key (another
 * tenant may share it) keep meeting the same claims. Two different keys first met on two
 * connections cannot be told to reach one project; that needs Iterable to say so.
 */

const AliasFormat = versionedFormat({
  name: 'Iterable key alias (listowners table)',
  schema: z.object({ projectId: z.string().regex(/^[0-9a-f]{64}$/) }),
});

/** SHA-256 of the key, hex: what stands for a key in storage; the key itself is never stored. */
export function keyHash(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

export const projectPartition = (projectId: string) => `project-${projectId}`;
const aliasKeys = (hash: string) => ({ partitionKey: `key-${hash}`, rowKey: 'project' });

export class IterableProjects {
  constructor(
    private readonly table: TableClient,
    private readonly log: { warn(message: string): void },
  ) {}

  /** The project identity of a key, recorded on first sight (the first writer wins a race). */
  async projectOf(apiKey: string): Promise<string> {
    const hash = keyHash(apiKey);
    return (await this.#read(hash)) ?? (await this.#link(hash, hash));
  }

  /**
   * Records that a connection's new key reaches the project its previous key reached, before the
   * new key is stored: from then on either key finds the same claims. A rotation is taken to stay
   * within one project; a key of another project belongs to a new connection.
   */
  async linkRotatedKey(previousKey: string, nextKey: string): Promise<void> {
    const projectId = await this.projectOf(previousKey);
    const linked = await this.#link(keyHash(nextKey), projectId);
    if (linked !== projectId) {
      // The new key was met before, on another connection, and has an identity of its own. The
      // connection's exports take their lists again under it at their next run (first come wins).
      this.log.warn('A rotated key was already known under another project identity');
    }
  }

  async #read(hash: string): Promise<string | undefined> {
    const { partitionKey, rowKey } = aliasKeys(hash);
    const entity = await getOrUndefined(() => this.table.getEntity(partitionKey, rowKey));
    return entity && AliasFormat.parse(entity).projectId;
  }

  /** Creates the alias if absent; answers the identity it holds either way. */
  async #link(hash: string, projectId: string): Promise<string> {
    try {
      await this.table.createEntity({ ...aliasKeys(hash), ...AliasFormat.stamp({ projectId }) });
      return projectId;
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw error;
    }
    const existing = await this.#read(hash);
    if (!existing) throw new Error('A key alias vanished while it was being created');
    return existing;
  }
}
