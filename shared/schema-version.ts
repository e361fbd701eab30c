import { z } from 'zod';

/**
 * Versions of what one release writes and another reads back: queue messages, and the records
 * and blobs a later invocation parses. During a rolling or blue-green deploy, and after a
 * rollback, instances of two releases share the queues and the storage, so everything written
 * says which format version wrote it. A reader takes every version up to its own, upgraded in
 * one place per format; one above its own is never read as if it were a version it knows.
 * Whatever was written before formats carried a version is version 1.
 */

/** The version of anything written before formats carried one. */
const unversioned = 1;

const VersionSchema = z.number().int().min(1);
/**
 * JSON formats carry their version as a field beside their own fields. Null is missing too: a
 * table query that selects a column answers null for a row written without it.
 */
const EnvelopeSchema = z.looseObject({ schemaVersion: VersionSchema.nullish() });
/** Blob formats without room for a field carry it in the blob's metadata, as text. */
const metadataKey = 'schemaversion';
const MetadataVersionSchema = z
  .string()
  .regex(/^[1-9][0-9]*$/)
  .transform(Number)
  .optional();

/** Written by a newer release: its fields may mean what this release does not know. */
export class NewerSchemaVersionError extends Error {
  constructor(
    /** What was read, as logs and errors name it. */
    readonly format: string,
    readonly version: number,
    /** The newest version this release reads. */
    readonly known: number,
  ) {
    super(
      `${format} has schemaVersion ${version}, written by a newer release; this release reads up to version ${known}.`,
    );
    this.name = 'NewerSchemaVersionError';
  }
}

/** The version read, checked against the newest one this release knows. */
function knownVersion(
  format: string,
  declared: number | null | undefined,
  current: number,
): number {
  const version = declared ?? unversioned;
  if (version > current) throw new NewerSchemaVersionError(format, version, current);
  return version;
}

/** One step of a format's history: a value of version n turned into version n + 1. */
export type Upgrade = (value: Record<string, unknown>) => Record<string, unknown>;

export interface VersionedFormat<T> {
  readonly name: string;
  /** The version this release writes. */
  readonly version: number;
  /**
   * A value of any version up to `version`, upgraded and validated. Throws
   * NewerSchemaVersionError above it, and a ZodError for a value that is not valid.
   */
  parse(raw: unknown): T;
  /** The value as this release writes it: with its version. */
  stamp(value: T): T & { schemaVersion: number };
  /** `stamp` as JSON text. */
  serialize(value: T): string;
}

/**
 * A JSON format whose `schemaVersion` field says which version wrote it. `schema` is the current
 * version's shape without that field; `upgrades[n - 1]` turns version n into n + 1, so the
 * current version is one more than the upgrades and cannot drift from them.
 */
export function versionedFormat<T>(definition: {
  name: string;
  schema: z.ZodType<T>;
  upgrades?: readonly Upgrade[];
}): VersionedFormat<T> {
  const { name, schema, upgrades = [] } = definition;
  const version = upgrades.length + 1;
  // Last, so a version a value may carry (read from elsewhere) never overrides this release's.
  const stamp = (value: T) => ({ ...value, schemaVersion: version });
  return {
    name,
    version,
    parse(raw) {
      const { schemaVersion, ...fields } = EnvelopeSchema.parse(raw);
      let value: Record<string, unknown> = fields;
      for (const upgrade of upgrades.slice(knownVersion(name, schemaVersion, version) - 1))
        value = upgrade(value);
      return schema.parse(value);
    },
    stamp,
    serialize: (value) => JSON.stringify(stamp(value)),
  };
}

export interface VersionedBlobFormat {
  readonly name: string;
  readonly version: number;
  /** Metadata to write with the blob (merge it into any other metadata the blob holds). */
  metadata(): Record<string, string>;
  /** The version a blob's metadata names (none: 1); throws NewerSchemaVersionError above ours. */
  check(metadata: Record<string, string> | undefined): number;
}

/**
 * A blob format whose body has no room for a version field (lines of text, a JSON array, a
 * map keyed by names): the version is blob metadata. Every upload replaces a blob's metadata,
 * so the version always describes the body it was written with.
 */
export function versionedBlobFormat(name: string, version = 1): VersionedBlobFormat {
  return {
    name,
    version,
    metadata: () => ({ [metadataKey]: String(version) }),
    check(metadata) {
      // Metadata names are case-insensitive in Azure Storage.
      const entry = Object.entries(metadata ?? {}).find(
        ([key]) => key.toLowerCase() === metadataKey,
      );
      return knownVersion(name, MetadataVersionSchema.parse(entry?.[1]), version);
    },
  };
}
