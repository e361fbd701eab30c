import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { dataFieldsHash, ExportedStateStore } from '../../../shared/pipeline/exported-state';

describe('ExportedStateStore', () => {
  const container = BlobServiceClient.fromConnectionString(
    process.env.AzureWebJobsStorage ?? '',
  ).getContainerClient(`state-${randomBytes(4).toString('hex')}`);
  const store = new ExportedStateStore(container);

  beforeAll(() => container.create());
  afterAll(() => container.delete());

  it('is empty for an export that never ran', async () => {
    expect((await store.load('tenant', 'export', 'Segment')).size).toBe(0);
  });

  it('round-trips 200,000 members per export and segment, segments kept apart', async () => {
    const state = new Map(
      Array.from({ length: 200_000 }, (_, i) => [`user${i}@example.com`, dataFieldsHash({ i })]),
    );
    await store.save('tenant/one', 'export-1', 'Segment A', state);
    await store.save('tenant/one', 'export-1', 'Segment B', new Map([['b@example.com', 'h']]));
    const loaded = await store.load('tenant/one', 'export-1', 'Segment A');
    expect(loaded.size).toBe(200_000);
    expect(loaded.get('user123456@example.com')).toBe(dataFieldsHash({ i: 123456 }));
    expect([...(await store.load('tenant/one', 'export-1', 'Segment B'))]).toEqual([
      ['b@example.com', 'h'],
    ]);
  });
});

describe('dataFieldsHash', () => {
  it('ignores key order and tells values apart', () => {
    expect(dataFieldsHash({ a: 1, b: 'x' })).toBe(dataFieldsHash({ b: 'x', a: 1 }));
    expect(dataFieldsHash({ a: 1 })).not.toBe(dataFieldsHash({ a: '1' }));
    expect(dataFieldsHash({})).toMatch(/^[\w-]{16}$/);
  });
});
