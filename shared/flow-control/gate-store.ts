import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { getOrUndefined, statusCodeOf } from '../clients/azure-errors';
import { versionedFormat } from '../schema-version';
import type { GateState } from './flow-rules';

/**
 * The gate rows of the flowcontrol table: one per Iterable key, keyed by the key's SHA-256 (the
 * key itself is never stored), so two connections with one key share one gate. Every write is
 * conditional on the ETag read: instances that book at once cannot both take one slot.
 */
const GateFormat = versionedFormat({
  name: 'Iterable key gate (flowcontrol table)',
  schema: z.object({
    tat: z.number(),
    returnAt: z.number(),
    rate: z.number().positive(),
    rateSince: z.number(),
    knownLimit: z.number().min(0),
    // A table property holds no array: the slots are stored as comma-separated whole ms.
    recentSlots: z
      .string()
      .transform((text) => (text === '' ? [] : text.split(',').map(Number)))
      .pipe(z.array(z.number().int())),
    epoch: z.number().int().min(0),
    failures: z.number().int().min(0),
    circuitOpen: z.boolean(),
  }),
});

const gateKeys = (keyHash: string) => ({ partitionKey: `key-${keyHash}`, rowKey: 'gate' });

export interface StoredGate {
  state: GateState;
  /** Undefined: no row yet (it is created by the first write). */
  etag: string | undefined;
}

export class GateStore {
  constructor(private readonly table: TableClient) {}

  async read(keyHash: string): Promise<StoredGate | undefined> {
    const { partitionKey, rowKey } = gateKeys(keyHash);
    const entity = await getOrUndefined(() => this.table.getEntity(partitionKey, rowKey));
    return entity && { state: GateFormat.parse(entity), etag: String(entity.etag) };
  }

  /**
   * Writes the gate if it is still as read (`etag`; undefined = still absent). False when another
   * writer came first (412, or 409 on a row created meanwhile): read again and redo. Otherwise
   * the row's new ETag, when the answer carried one.
   */
  async write(
    keyHash: string,
    state: GateState,
    etag: string | undefined,
  ): Promise<{ etag: string | undefined } | false> {
    const entity = {
      ...gateKeys(keyHash),
      ...GateFormat.stamp(state),
      recentSlots: state.recentSlots.map(Math.round).join(','),
    };
    try {
      const answer =
        etag === undefined
          ? await this.table.createEntity(entity)
          : await this.table.updateEntity(entity, 'Replace', { etag });
      return { etag: (answer as { etag?: string }).etag };
    } catch (error) {
      const status = statusCodeOf(error);
      if (status === 412 || status === 409) return false;
      throw error;
    }
  }
}
