import { randomBytes } from 'node:crypto';
import { runStateBlobName } from '../../../shared/work-blobs';
import { BlobServiceClient } from '@azure/storage-blob';
import { gzipSync } from 'node:zlib';
import { ExportedStateStore } from '../../../shared/state/exported-state';
import { dataFieldsHash, unknownFields } from '../../../shared/state/member-hash';
import { parseStateLine, readStateBytes } from '../../../shared/state/state-lines';
import { StateTable } from '../../../shared/state/state-table';

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

  it('round-trips 200,000 members per run and segment once committed, segments kept apart', async () => {
    const state = new Map(
      Array.from({ length: 200_000 }, (_, i) => [`user${i}@example.com`, dataFieldsHash({ i })]),
    );
    await store.saveRunState('tenant/one', 'export-1', 'run-1', 'Segment A', state);
    await store.saveRunState('tenant/one', 'export-1', 'run-1', 'Segment B', [['b@x.com', 42]]);
    // Written, but not the export's state until the run commits.
    expect((await store.load('tenant/one', 'export-1', 'Segment A')).size).toBe(0);
    const before = await store.committed('tenant/one', 'export-1');
    const pointer = {
      runId: 'run-1',
      segments: {
        'Segment A': runStateBlobName('tenant/one', 'export-1', 'run-1', 'Segment A'),
        'Segment B': runStateBlobName('tenant/one', 'export-1', 'run-1', 'Segment B'),
      },
    };
    expect((await store.commit('tenant/one', 'export-1', before, pointer)).outcome).toBe(
      'committed',
    );
    const loaded = await store.load('tenant/one', 'export-1', 'Segment A');
    expect(loaded.size).toBe(200_000);
    expect(loaded.get('user123456@example.com')).toBe(dataFieldsHash({ i: 123456 }));
    expect([...(await store.load('tenant/one', 'export-1', 'Segment B'))]).toEqual([
      ['b@x.com', 42],
    ]);
  });

  it('lets one of two finalizers commit, and refuses a stale one after a later run', async () => {
    const runState = (runId: string) => ({
      runId,
      segments: { S: runStateBlobName('t', 'e', runId, 'S') },
    });
    await store.saveRunState('t', 'e', 'r1', 'S', [['a@x.com', 1]]);
    const seenByBoth = await store.committed('t', 'e');
    expect((await store.commit('t', 'e', seenByBoth, runState('r1'))).outcome).toBe('committed');
    expect((await store.commit('t', 'e', seenByBoth, runState('r1'))).outcome).toBe(
      'alreadyCommitted',
    );
    await store.saveRunState('t', 'e', 'r2', 'S', [['b@x.com', 2]]);
    const afterFirst = await store.committed('t', 'e');
    const second = await store.commit('t', 'e', afterFirst, runState('r2'));
    expect(second.outcome).toBe('committed');
    // A finalizer of r1 that read the pointer before r1 committed comes back late.
    expect((await store.commit('t', 'e', seenByBoth, runState('r1'))).outcome).toBe('superseded');
    expect([...(await store.load('t', 'e', 'S'))]).toEqual([['b@x.com', 2]]);
    const left = async () => {
      const names: string[] = [];
      for await (const blob of container.listBlobsFlat({ prefix: 't/e/runs/' }))
        names.push(blob.name);
      return names;
    };
    // Blobs written after a commit belong to a later run and are kept.
    await store.removeStaleRuns('t', 'e', runState('r2'), new Date(0));
    expect(await left()).toHaveLength(2);
    // Blob times have one-second resolution: a commit a second later removes r1's blob only.
    const later = new Date(second.committedAt!.getTime() + 1000);
    await store.removeStaleRuns('t', 'e', runState('r2'), later);
    expect(await left()).toEqual([runStateBlobName('t', 'e', 'r2', 'S')]);
  });

  it('loads a state of many blocks whole, lines cut across chunks included', async () => {
    const members: [string, number][] = Array.from({ length: 60_000 }, (_, n) => [
      `member.${n}@mail.example.org`,
      dataFieldsHash({ n }),
    ]);
    await store.saveRunState('t', 'many', 'r1', 'S', members);
    const loaded = await store.loadBlob(runStateBlobName('t', 'many', 'r1', 'S'));
    expect(loaded.size).toBe(60_000);
    expect([...loaded]).toEqual(members);
  });

  it('writes a table byte for byte as it writes the same members one by one', async () => {
    const members: [string, number][] = Array.from({ length: 30_000 }, (_, n) => [
      n % 7000 === 0 ? `ünï.${n}@example.org` : `member.${n}@mail.example.org`,
      n === 5 ? unknownFields : n === 6 ? 2 ** 53 - 1 : n === 7 ? 0 : dataFieldsHash({ n }),
    ]);
    const table = new StateTable(members);
    table.delete('member.1@mail.example.org');
    const kept = members.filter(([email]) => email !== 'member.1@mail.example.org');
    await store.saveRunState('t', 'bytes', 'r1', 'S', table);
    await store.saveRunState('t', 'bytes', 'r2', 'S', kept);
    const read = async (runId: string) => {
      const lines: string[] = [];
      for await (const run of store.lines(runStateBlobName('t', 'bytes', runId, 'S')))
        lines.push(...run);
      return lines;
    };
    expect(await read('r1')).toEqual(await read('r2'));
    expect(await store.memberCount(runStateBlobName('t', 'bytes', 'r1', 'S'))).toBe(kept.length);
    expect([...(await store.loadBlob(runStateBlobName('t', 'bytes', 'r1', 'S')))]).toEqual(kept);
  });

  it('reads stored bytes as parseStateLine reads the same lines', () => {
    const lines = [
      'a@x.com\t1z',
      'b@x.com\t-1',
      'c@x.com\t',
      'd@x.com\t!',
      '\tabc',
      'no-tab-here',
      '',
      'é@x.com\t2',
      'e@x.com\t3\r',
      'f@x.com\t4 trailing',
    ];
    const table = new StateTable();
    readStateBytes(Buffer.from(lines.join('\n')), table);
    const read = [...table];
    expect(read).toEqual(lines.map(parseStateLine).filter((entry) => entry !== undefined));
    expect(read).toHaveLength(7);
  });

  it('keeps a member with unknown fields as unknown, and reads an unreadable hash the same way', async () => {
    await store.saveRunState('t', 'u', 'r1', 'S', [
      ['unknown@x.com', unknownFields],
      ['big@x.com', 2 ** 53 - 1],
    ]);
    const written = await store.loadBlob(runStateBlobName('t', 'u', 'r1', 'S'));
    expect([...written]).toEqual([
      ['unknown@x.com', unknownFields],
      ['big@x.com', 2 ** 53 - 1],
    ]);
    const body = gzipSync('old@x.com\t\nnot@x.com\t!\n');
    await container.getBlockBlobClient('t/u/runs/r0/S.tsv.gz').upload(body, body.length);
    expect([...(await store.loadBlob('t/u/runs/r0/S.tsv.gz'))]).toEqual([
      ['old@x.com', unknownFields],
      ['not@x.com', unknownFields],
    ]);
  });

  it('writes a confirmed state from the planned one, replacing, dropping and adding back members', async () => {
    await store.saveRunState('t', 'c', 'r1', 'S', [
      ['kept@x.com', 1],
      ['new-but-failed@x.com', 2],
      ['changed-but-failed@x.com', 3],
    ]);
    await store.saveRunState('t', 'c', 'r0', 'S', [
      ['changed-but-failed@x.com', 9],
      ['removal-failed@x.com', 5],
      ['other@x.com', 7],
    ]);
    const wanted = new Set([
      'new-but-failed@x.com',
      'changed-but-failed@x.com',
      'removal-failed@x.com',
    ]);
    const previous = await store.pick(runStateBlobName('t', 'c', 'r0', 'S'), wanted);
    expect([...previous].sort()).toEqual([
      ['changed-but-failed@x.com', 9],
      ['removal-failed@x.com', 5],
    ]);
    const overrides = new Map([
      ['new-but-failed@x.com', undefined],
      ['changed-but-failed@x.com', 9],
      ['removal-failed@x.com', 5],
    ]);

    const first = await store.saveConfirmedRunState('t', 'c', 'r1', 'S', overrides);
    const second = await store.saveConfirmedRunState('t', 'c', 'r1', 'S', overrides);

    expect(first).not.toBe(second);
    for (const name of [first, second]) {
      expect([...(await store.loadBlob(name))].sort()).toEqual([
        ['changed-but-failed@x.com', 9],
        ['kept@x.com', 1],
        ['removal-failed@x.com', 5],
      ]);
      expect(await store.memberCount(name)).toBe(3);
    }
  });

  it('never reads a missing state blob as empty', async () => {
    await expect(store.loadBlob('t/e/runs/nobody/S.tsv.gz')).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});

describe('dataFieldsHash', () => {
  it('ignores key order and tells values apart', () => {
    expect(dataFieldsHash({ a: 1, b: 'x' })).toBe(dataFieldsHash({ b: 'x', a: 1 }));
    expect(dataFieldsHash({ a: 1 })).not.toBe(dataFieldsHash({ a: '1' }));
    expect(Number.isSafeInteger(dataFieldsHash({}))).toBe(true);
    expect(dataFieldsHash({ a: 'x' })).toBeGreaterThanOrEqual(0);
  });

  it('tells apart fields that would run together, odd lengths and nested values', () => {
    const distinct = [
      {},
      { a: '' },
      { a: 'bc' },
      { ab: 'c' },
      { a: 'b', c: '' },
      { a: 'b\u0000' },
      { a: 'abc' },
      { a: 'abd' },
      { a: 'ab' },
      { a: null },
      { a: 'null' },
      { a: true },
      { a: 'true' },
      { a: [1, 2] },
      { a: '[1,2]' },
      { a: { b: 1 } },
      { a: 'é' },
      { a: 'e\u0301' },
    ];
    const hashes = distinct.map((fields) => dataFieldsHash(fields));
    expect(new Set(hashes).size).toBe(distinct.length);
    expect(dataFieldsHash({ a: { b: 1 }, z: 'x' })).toBe(dataFieldsHash({ z: 'x', a: { b: 1 } }));
  });
});
