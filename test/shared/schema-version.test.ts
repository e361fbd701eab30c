import { z, ZodError } from 'zod';
import {
  NewerSchemaVersionError,
  versionedBlobFormat,
  versionedFormat,
} from '../../shared/schema-version';

/** A format with a history: v1 `{name}`, v2 split it, v3 added a default. */
const person = versionedFormat({
  name: 'person record',
  schema: z.strictObject({ first: z.string(), last: z.string(), active: z.boolean() }),
  upgrades: [
    ({ name, ...rest }) => {
      const [first = '', ...last] = String(name).split(' ');
      return { ...rest, first, last: last.join(' ') };
    },
    (value) => ({ ...value, active: true }),
  ],
});

describe('versionedFormat', () => {
  it('writes the current version, one more than its upgrades', () => {
    expect(person.version).toBe(3);
    const value = { first: 'Ada', last: 'Lovelace', active: false };
    expect(person.stamp(value)).toEqual({ ...value, schemaVersion: 3 });
    expect(JSON.parse(person.serialize(value))).toEqual({ ...value, schemaVersion: 3 });
    expect(person.parse(JSON.parse(person.serialize(value)))).toEqual(value);
  });

  it('reads a value without a version as version 1, and upgrades every older version', () => {
    const ada = { first: 'Ada', last: 'Lovelace', active: true };
    expect(person.parse({ name: 'Ada Lovelace' })).toEqual(ada);
    expect(person.parse({ schemaVersion: 1, name: 'Ada Lovelace' })).toEqual(ada);
    expect(person.parse({ schemaVersion: 2, first: 'Ada', last: 'Lovelace' })).toEqual(ada);
  });

  it('refuses a newer version by name, instead of reading it as one it knows', () => {
    const read = () => person.parse({ schemaVersion: 4, first: 'Ada', last: 'L', active: true });
    expect(read).toThrow(NewerSchemaVersionError);
    expect(read).toThrow(
      'person record has schemaVersion 4, written by a newer release; this release reads up to version 3.',
    );
  });

  it('treats a version that is no version, or a value that is no object, as not valid', () => {
    for (const raw of [{ schemaVersion: 0 }, { schemaVersion: '2' }, [], 'text', null]) {
      expect(() => person.parse(raw)).toThrow(ZodError);
    }
  });

  it('reads a version column that a table query answers as null as missing', () => {
    const plain = versionedFormat({ name: 'row', schema: z.object({ marks: z.string() }) });
    expect(plain.parse({ marks: '1', schemaVersion: null })).toEqual({ marks: '1' });
  });

  it('never lets a version carried by the value override the one written', () => {
    const plain = versionedFormat({ name: 'row', schema: z.object({ marks: z.string() }) });
    const carried = { marks: '1', schemaVersion: 7 } as { marks: string };
    expect(plain.stamp(carried).schemaVersion).toBe(1);
  });
});

describe('versionedBlobFormat', () => {
  const lines = versionedBlobFormat('lines blob', 2);

  it('writes its version as metadata and reads it back, whatever the name case', () => {
    expect(lines.metadata()).toEqual({ schemaversion: '2' });
    expect(lines.check(lines.metadata())).toBe(2);
    expect(lines.check({ SchemaVersion: '1', members: '10' })).toBe(1);
  });

  it('takes a blob without the metadata as version 1', () => {
    expect(lines.check(undefined)).toBe(1);
    expect(lines.check({ members: '10' })).toBe(1);
  });

  it('refuses a newer version by name', () => {
    expect(() => lines.check({ schemaversion: '3' })).toThrow(
      'lines blob has schemaVersion 3, written by a newer release; this release reads up to version 2.',
    );
    expect(() => lines.check({ schemaversion: 'two' })).toThrow(ZodError);
  });
});
