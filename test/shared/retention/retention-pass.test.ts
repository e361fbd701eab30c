import { randomBytes, randomUUID } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { createTableClient } from '../../../shared/clients/storage';
import { Erasures } from '../../../shared/retention/erasures';
import { runRetentionPass } from '../../../shared/retention/retention-pass';
import { newRunId } from '../../../shared/runs/run-id';
import {
  batchBlobName,
  failuresBlobName,
  heldBatchesBlobName,
  rejectionsBlobName,
  runStateBlobName,
  statePointerBlobName,
} from '../../../shared/work-blobs';

const storage = process.env.AzureWebJobsStorage ?? '';
const suffix = randomBytes(4).toString('hex');
const dayMs = 86_400_000;
const retention = { runHistoryDays: 90, rejectionsDays: 30, batchBlobsDays: 7, slotClaimsDays: 30 };

describe('the retention pass (on the run’s Azurite)', () => {
  const runs = createTableClient(
    { kind: 'connectionString', connectionString: storage },
    `retention${suffix}`,
  );
  const blobs = BlobServiceClient.fromConnectionString(storage);
  const work = blobs.getContainerClient(`retention-work-${suffix}`);
  const state = blobs.getContainerClient(`retention-state-${suffix}`);

  beforeAll(async () => {
    await Promise.all([runs.createTable(), work.create(), state.create()]);
  });

  async function put(container = work, name: string, body = 'member@example.com') {
    await container.getBlockBlobClient(name).upload(body, body.length);
  }

  async function names(container = work): Promise<string[]> {
    const found: string[] = [];
    for await (const blob of container.listBlobsFlat()) found.push(blob.name);
    return found.sort();
  }

  /** A run row as the run store writes it (only what retention reads matters here). */
  async function runRow(tenantId: string, exportId: string, runId: string, status: string) {
    const createdAt = Number.parseInt(runId.slice(0, 8) + runId.slice(9, 13), 16);
    const inverted = String(9_999_999_999_999 - createdAt).padStart(13, '0');
    await runs.createEntity({
      partitionKey: tenantId,
      rowKey: `${exportId}|${inverted}|${runId}`,
      kind: 'run',
      run: JSON.stringify({ id: runId, exportId, status }),
    });
    await runs.createEntity({
      partitionKey: tenantId,
      rowKey: `${exportId}|batch|${runId}|000000`,
      succeeded: 1,
    });
    await runs.createEntity({
      partitionKey: tenantId,
      rowKey: `${exportId}|progress|${runId}|00`,
      marks: '1',
    });
  }

  async function runFiles(tenantId: string, runId: string) {
    await put(work, batchBlobName(tenantId, runId, 0));
    await put(work, heldBatchesBlobName(tenantId, runId));
    await put(work, rejectionsBlobName(tenantId, runId));
    await put(work, failuresBlobName(tenantId, runId, 0));
  }

  async function rowKeys(tenantId: string): Promise<string[]> {
    const keys: string[] = [];
    const rows = runs.listEntities({
      queryOptions: { filter: `PartitionKey eq '${tenantId}'` },
    });
    for await (const row of rows) keys.push(String(row.rowKey));
    return keys.sort();
  }

  const pass = (now: Date, operations?: number) =>
    runRetentionPass({
      runs,
      work,
      erasures: new Erasures({ runs, work, state }, { now: () => now }),
      retention,
      now: () => now,
      ...(operations ? { operations } : {}),
    });

  it('deletes files by kind and age, and never those of an active run', async () => {
    const tenantId = `files.${suffix}`;
    const exportId = randomUUID();
    const now = Date.now();
    const old = newRunId(now - 40 * dayMs);
    const middle = newRunId(now - 10 * dayMs);
    const recent = newRunId(now - dayMs);
    const held = newRunId(now - 40 * dayMs);
    for (const runId of [old, middle, recent, held]) await runFiles(tenantId, runId);
    // The held run is awaiting confirmation: its marker names it.
    await runs.createEntity({
      partitionKey: tenantId,
      rowKey: `${exportId}|active`,
      kind: 'marker',
      runId: held,
    });

    const report = await pass(new Date(now));

    const folder = (runId: string) => `${encodeURIComponent(tenantId)}/${runId}/`;
    expect(await names()).toEqual(
      [
        // Ten days old: the batches went (7 days), what was refused stays (30 days).
        `${folder(middle)}failures/000000.json`,
        `${folder(middle)}rejections.jsonl`,
        ...['000000.json', 'failures/000000.json', 'held.jsonl', 'rejections.jsonl'].flatMap(
          (file) => [`${folder(recent)}${file}`, `${folder(held)}${file}`],
        ),
      ].sort(),
    );
    expect(report).toMatchObject({ blobs: 6, complete: true });
  });

  it('deletes run history and claims past their days, and not an active run', async () => {
    const tenantId = `rows-${suffix}`;
    const exportId = randomUUID();
    const ended = newRunId(Date.now());
    const stuck = newRunId(Date.now());
    await runRow(tenantId, exportId, ended, 'succeeded');
    await runRow(tenantId, exportId, stuck, 'running');
    await put(work, rejectionsBlobName(tenantId, ended));
    await runs.createEntity({
      partitionKey: tenantId,
      rowKey: `slot|${exportId}|2026-01-01T00:00:00.000Z`,
      kind: 'slot',
    });
    await runs.createEntity({
      partitionKey: tenantId,
      rowKey: `refresh|${exportId}|2026-01-01T00:00:00.000Z`,
      kind: 'refreshClaim',
    });
    await runs.createEntity({
      partitionKey: tenantId,
      rowKey: `schedule|${exportId}`,
      kind: 'scheduleCursor',
    });
    const before = await rowKeys(tenantId);

    // Ten days on, nothing is due; forty days on, the claims; a hundred days on, the ended run.
    await pass(new Date(Date.now() + 10 * dayMs));
    expect(await rowKeys(tenantId)).toEqual(before);
    const claims = await pass(new Date(Date.now() + 40 * dayMs));
    expect(claims).toMatchObject({ claims: 2, runs: 0 });
    expect(await rowKeys(tenantId)).toEqual(
      before.filter((key) => !key.startsWith('slot|') && !key.startsWith('refresh|')),
    );
    const history = await pass(new Date(Date.now() + 100 * dayMs));
    expect(history).toMatchObject({ runs: 1 });
    expect(await rowKeys(tenantId)).toEqual(
      before.filter((key) => key.includes(stuck) || key.startsWith('schedule|')),
    );
    expect((await names()).some((name) => name.includes(ended))).toBe(false);
  });

  it('goes on where it stopped when its budget runs out', async () => {
    const tenantId = `budget-${suffix}`;
    const exportId = randomUUID();
    const ids = Array.from({ length: 12 }, (_, index) => newRunId(Date.now() - index));
    for (const runId of ids) await runRow(tenantId, exportId, runId, 'failed');
    const later = new Date(Date.now() + 100 * dayMs);
    let passes = 0;
    for (;;) {
      passes++;
      if ((await pass(later, 6)).complete) break;
      if (passes > 200) throw new Error('The passes never completed');
    }
    expect(passes).toBeGreaterThan(1);
    expect(await rowKeys(tenantId)).toEqual([]);
  });

  it('sweeps an erasure again after its runs settled, taking what a late writer left', async () => {
    const tenantId = `erase-${suffix}`;
    const exportId = randomUUID();
    const runId = newRunId(Date.now());
    const requested = new Date();
    const erasures = new Erasures({ runs, work, state }, { now: () => requested });
    await runRow(tenantId, exportId, runId, 'cancelled');
    await runFiles(tenantId, runId);
    await put(state, runStateBlobName(tenantId, exportId, runId, 'Newsletter'));

    await erasures.begin(tenantId, exportId, 'export');
    expect(await erasures.sweep(tenantId, exportId, 'export')).toBe(true);
    const mine = (name: string) => name.includes(runId) || name.includes(exportId);
    expect((await names()).filter(mine)).toEqual([]);
    expect((await names(state)).filter(mine)).toEqual([]);

    // A finalizer that read the run before it was cancelled commits its state afterwards.
    await put(state, statePointerBlobName(tenantId, exportId), JSON.stringify({ runId }));
    // Before the runs settled, a pass sweeps it but keeps the record.
    const early = await pass(new Date(requested.getTime() + 60_000));
    expect(early.erasuresPending).toBe(1);
    expect((await names(state)).filter(mine)).toEqual([]);
    await put(state, statePointerBlobName(tenantId, exportId), JSON.stringify({ runId }));
    const settled = await pass(new Date(requested.getTime() + 36 * 60_000));
    expect(settled.erasuresFinished).toBe(1);
    expect((await names(state)).filter(mine)).toEqual([]);
    expect(await erasures.records.get(tenantId, exportId, 'export')).toBeUndefined();
  });

  it('erases, for a deleted connection, the runs made through it and not those after', async () => {
    const tenantId = `moved-${suffix}`;
    const exportId = randomUUID();
    const before = newRunId(Date.now() - 60_000);
    const requested = new Date();
    const after = newRunId(Date.now() + 60_000);
    for (const runId of [before, after]) {
      await runRow(tenantId, exportId, runId, 'succeeded');
      await runFiles(tenantId, runId);
      await put(state, runStateBlobName(tenantId, exportId, runId, 'Newsletter'));
    }
    await put(state, statePointerBlobName(tenantId, exportId), JSON.stringify({ runId: after }));
    const erasures = new Erasures({ runs, work, state }, { now: () => requested });
    await erasures.begin(tenantId, exportId, 'connection');
    await erasures.sweep(tenantId, exportId, 'connection');

    expect((await names()).filter((name) => name.includes(before))).toEqual([]);
    expect((await names()).filter((name) => name.includes(after))).toHaveLength(4);
    expect((await names(state)).filter((name) => name.includes(exportId))).toEqual(
      [
        statePointerBlobName(tenantId, exportId),
        runStateBlobName(tenantId, exportId, after, 'Newsletter'),
      ].sort(),
    );
    // The run history stays.
    expect((await rowKeys(tenantId)).filter((key) => key.includes(before))).toHaveLength(3);
  });
});
