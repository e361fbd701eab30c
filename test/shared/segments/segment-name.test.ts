import { AppError, ForbiddenError, ValidationError } from '../../../shared/errors';
import { parseSnapshotBlobName, tenantFolder } from '../../../shared/segments/segment-name';
import { segmentNameFromRoute } from '../../../shared/segments/segment-operations';

function refusal(name: string): AppError {
  try {
    segmentNameFromRoute({ name });
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`'${name}' was accepted`);
}

describe('segmentNameFromRoute', () => {
  it.each([
    'VIP customers',
    'Kunden München',
    'Клиенты 2024',
    '顧客',
    'Müller & Söhne #1 (50%)?',
    'a+b=c',
    'v1.2',
    '...a',
    'x'.repeat(200),
    '😀'.repeat(200),
  ])('accepts %j', (name) => {
    expect(segmentNameFromRoute({ name })).toBe(name);
  });

  it.each([
    ['../x', '"/"'],
    ['a/b', '"/"'],
    ['a\\b', '"/"'],
    ['a%2Fb', '"/"'],
    ['a%5cb', '"/"'],
    ['.', '"." or ".."'],
    ['..', '"." or ".."'],
    ['tab\there', 'control characters'],
    ['line\nbreak', 'control characters'],
    ['nul\u0000', 'control characters'],
    ['c1\u0085', 'control characters'],
    ['   ', 'blank'],
    ['x'.repeat(201), 'at most 200'],
  ])('refuses %j with 400 naming the name', (name, reason) => {
    const error = refusal(name);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('InvalidRequest');
    expect(error.options.target).toBe('name');
    expect(error.message).toContain(reason);
  });

  it('refuses a missing name as a missing field', () => {
    expect(() => segmentNameFromRoute({})).toThrow(ValidationError);
  });
});

describe('parseSnapshotBlobName', () => {
  const folder = 'tenant-1/';

  it.each([
    ['tenant-1/VIP.csv', 'VIP', 'csv', false],
    ['tenant-1/VIP.csv.gz', 'VIP', 'csv', true],
    ['tenant-1/a.b.jsonl', 'a.b', 'jsonl', false],
    ['tenant-1/Kunden München.jsonl.gz', 'Kunden München', 'jsonl', true],
  ])('reads %j', (blobName, name, format, compressed) => {
    expect(parseSnapshotBlobName(folder, blobName)).toEqual({
      blobName,
      name,
      format,
      compressed,
    });
  });

  it.each([
    'tenant-1/archive/old.csv',
    'tenant-1/notes.txt',
    'tenant-1/data.csv.zip',
    'tenant-1/data.CSV',
    'tenant-1/.csv',
    'tenant-1/..csv',
    'tenant-10/VIP.csv',
    'other/VIP.csv',
  ])('is not a segment: %j', (blobName) => {
    expect(parseSnapshotBlobName(folder, blobName)).toBeUndefined();
  });
});

describe('tenantFolder', () => {
  it('uses the tenant id verbatim as the folder', () => {
    expect(tenantFolder('72f988bf-86f1-41af-91ab-2d7cd011db47')).toBe(
      '72f988bf-86f1-41af-91ab-2d7cd011db47/',
    );
  });

  it.each(['', '..', 'a/b', 'a\\b'])('refuses a tenant id that is not one folder: %j', (tid) => {
    expect(() => tenantFolder(tid)).toThrow(ForbiddenError);
  });
});
