import { randomBytes } from 'node:crypto';

/**
 * Run ids are UUIDv7 (RFC 9562): the first 48 bits are the run's creation time in milliseconds.
 * The run's table row key is built from that time, so a run is read with one point read from
 * its id alone, never by scanning the tenant's partition (which also holds every batch result).
 */
export function newRunId(createdAtMs: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(createdAtMs, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // variant 10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The creation time a UUIDv7 run id carries; undefined for ids of another version. */
export function runIdTime(runId: string): number | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(runId))
    return undefined;
  return Number.parseInt(runId.slice(0, 8) + runId.slice(9, 13), 16);
}
