import { randomBytes, randomUUID } from 'node:crypto';
import { runStateBlobName } from '../../../shared/work-blobs';
import { gzipSync } from 'node:zlib';
import { BlobServiceClient } from '@azure/storage-blob';
import type { TableClient } from '@azure/data-tables';
import { createTableClient } from '../../../shared/clients/storage';
import { ExportListStore } from '../../../shared/state/export-lists';
import { ExportedStateStore } from '../../../shared/state/exported-state';
import { RunProgress, type BatchResult } from '../../../shared/pipeline/run-progress';
import { newRunId } from '../../../shared/runs/run-id';
import { emptyCounts, type Run } from '../../../shared/runs/run-schemas';
import { RunStore } from '../../../shared/runs/run-store';
import { NewerSchemaVersionError } from '../../../shared/schema-version';

const storage = process.env.AzureWebJobsStorage ?? '';
const suffix = randomBytes(4).toString('hex');

/**
 * Stored records of the release before versioned formats (no schemaVersion anywhere) are read as
 * version 1; records of a newer release fail, naming what was read and its version.
 */
describe('stored formats across releases', () => {
  const container = BlobServiceClient.fromConnectionString(storage).getContainerClient(
    `stored-versions-${suffix}`,
  );
  const table: TableClient = createTableClient(
    { kind: 'connectionString', connectionString: storage },
    `storedversions${suffix}`,
  );
  const state = new ExportedStateStore(container);
  const lists = new ExportListStore(container);

  beforeAll(async () => {
    await container.create();
    await table.createTable();
  });
  afterAll(async () => {
    await container.delete();
    await table.deleteTable();
  });

  async function put(name: string, body: string | Buffer, metadata?: Record<string, string>) {
    await container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), { metadata });
  }

  describe('exported state', () => {
    const blobName = runStateBlobName('t', 'e-prev', 'run-1', 'S');

    it('reads a previous-format pointer and state blob', async () => {
      await put(blobName, gzipSync('a@x.com\t1\nb@x.com\tz\n'), { members: '2' });
      await put(
        't/e-prev/state.json',
        JSON.stringify({ runId: 'run-1', segments: { S: blobName } }),
      );
      expect((await state.committed('t', 'e-prev')).pointer).toEqual({
        runId: 'run-1',
        segments: { S: blobName },
      });
      expect([...(await state.load('t', 'e-prev', 'S'))]).toEqual([
        ['a@x.com', 1],
        ['b@x.com', 35],
      ]);
      expect(await state.memberCount(blobName)).toBe(2);
    });

    it('writes the version into the pointer and beside the member count', async () => {
      await state.saveRunState('t', 'e-now', 'run-2', 'S', [['c@x.com', 3]]);
      const written = runStateBlobName('t', 'e-now', 'run-2', 'S');
      const { metadata } = await container.getBlobClient(written).getProperties();
      expect(metadata).toEqual({ schemaversion: '1', members: '1' });
      const pointer = { runId: 'run-2', segments: { S: written } };
      await state.commit('t', 'e-now', await state.committed('t', 'e-now'), pointer);
      const stored = await container.getBlobClient('t/e-now/state.json').downloadToBuffer();
      expect(JSON.parse(stored.toString('utf8'))).toEqual({ ...pointer, schemaVersion: 1 });
    });

    it('fails clearly on a newer pointer or state blob', async () => {
      await put('t/e-new/state.json', JSON.stringify({ schemaVersion: 2, runId: 'r' }));
      await expect(state.committed('t', 'e-new')).rejects.toThrow(
        'exported-state pointer (state.json) has schemaVersion 2, written by a newer release; this release reads up to version 1.',
      );
      await put(blobName, gzipSync('a@x.com\t1\n'), { schemaversion: '2', members: '1' });
      await expect(state.loadBlob(blobName)).rejects.toThrow(
        'exported-state blob (.tsv.gz) has schemaVersion 2',
      );
      await expect(state.memberCount(blobName)).rejects.toThrow(NewerSchemaVersionError);
    });
  });

  describe('export lists', () => {
    it('reads a previous-format lists blob, writes the version, and refuses a newer one', async () => {
      const stored = { Newsletter: { listId: 7, createdAt: 1 } };
      await put('t/e-lists/lists.json', JSON.stringify(stored));
      expect(await lists.load('t', 'e-lists')).toEqual(stored);
      await lists.save('t', 'e-lists', stored);
      const { metadata } = await container.getBlobClient('t/e-lists/lists.json').getProperties();
      expect(metadata).toEqual({ schemaversion: '1' });
      await put('t/e-lists/lists.json', JSON.stringify(stored), { schemaversion: '3' });
      await expect(lists.load('t', 'e-lists')).rejects.toThrow(
        'export lists (lists.json) has schemaVersion 3',
      );
    });
  });

  describe('run records', () => {
    const runs = new RunStore(table);
    const exportId = randomUUID();

    function newRun(): Run {
      const now = Date.now();
      return {
        id: newRunId(now),
        exportId,
        trigger: 'manual',
        mode: 'delta',
        dryRun: false,
        status: 'running',
        counts: emptyCounts(),
        percentComplete: 0,
        segments: [{ name: 'S', counts: emptyCounts() }],
        createdAt: new Date(now).toISOString(),
        batchCount: 2,
      };
    }

    /** Rewrites a run row's JSON as `write` makes it. */
    async function rewrite(run: Run, write: (json: Record<string, unknown>) => unknown) {
      const stored = (await runs.get('t', exportId, run.id))!;
      const entity = await table.getEntity<{ run: string }>('t', stored.rowKey);
      const json = JSON.parse(entity.run) as Record<string, unknown>;
      expect(json.schemaVersion).toBe(1);
      const { schemaVersion: _schemaVersion, ...previous } = json;
      await table.updateEntity(
        { partitionKey: 't', rowKey: stored.rowKey, run: JSON.stringify(write(previous)) },
        'Merge',
      );
    }

    it('reads a previous-format run row and its active marker', async () => {
      const run = newRun();
      expect(await runs.start('t', run)).toBe(true);
      await rewrite(run, (previous) => previous);
      const marker = await table.getEntity('t', `${exportId}|active`);
      expect(marker.schemaVersion).toBe(1);
      await table.updateEntity(
        {
          partitionKey: 't',
          rowKey: `${exportId}|active`,
          runId: run.id,
          runRowKey: marker.runRowKey,
        },
        'Replace',
      );
      expect(await runs.active('t', exportId)).toMatchObject(run);
      const read = await runs.get('t', exportId, run.id);
      expect(read).toMatchObject(run);
      expect(read).not.toHaveProperty('schemaVersion');
      expect(await runs.finish('t', { ...read!, status: 'succeeded' })).toBe(true);
    });

    it('fails clearly on a newer run row', async () => {
      const run = newRun();
      expect(await runs.start('t', run)).toBe(true);
      await rewrite(run, (previous) => ({ ...previous, schemaVersion: 2 }));
      await expect(runs.get('t', exportId, run.id)).rejects.toThrow(
        'run record (runs table) has schemaVersion 2, written by a newer release; this release reads up to version 1.',
      );
    });
  });

  describe('batch results and progress', () => {
    const progress = new RunProgress(table);
    const exportId = randomUUID();
    const result: BatchResult = {
      kind: 'subscribe',
      segment: 'S',
      succeeded: 2,
      rejected: 0,
      failed: 0,
      added: 2,
      updated: 0,
      removed: 0,
      hasFailures: false,
    };

    it('counts previous-format rows with the current ones', async () => {
      const runId = 'run-mixed';
      // Batch 0 as the previous release recorded it: no version column on either row.
      await table.createEntity({
        partitionKey: 't',
        rowKey: `${exportId}|batch|${runId}|000000`,
        ...result,
      });
      await table.createEntity({
        partitionKey: 't',
        rowKey: `${exportId}|progress|${runId}|00`,
        marks: '1',
      });
      expect(await progress.completedBatches('t', exportId, runId)).toBe(1);
      const marks = await progress.recordBatch('t', exportId, runId, 16, result);
      expect(marks.shardComplete(17)).toBe(true);
      expect(await progress.completedBatches('t', exportId, runId)).toBe(2);
      const results = await progress.results('t', exportId, runId);
      expect(results.map((row) => row.batch)).toEqual([0, 16]);
      expect(results[0]).toEqual({ ...result, batch: 0 });
      const shard = await table.getEntity('t', `${exportId}|progress|${runId}|00`);
      expect(shard).toMatchObject({ marks: '11', schemaVersion: 1 });
    });

    it('fails clearly on a newer batch result', async () => {
      const runId = 'run-newer';
      await table.createEntity({
        partitionKey: 't',
        rowKey: `${exportId}|batch|${runId}|000000`,
        ...result,
        schemaVersion: 2,
      });
      await expect(progress.results('t', exportId, runId)).rejects.toThrow(
        'batch result (runs table) has schemaVersion 2',
      );
    });
  });
});
