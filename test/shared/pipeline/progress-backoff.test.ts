import { randomBytes, randomUUID } from 'node:crypto';
import { createTableClient } from '../../../shared/clients/storage';
import { progressBackoffMs } from '../../../shared/pipeline/progress-backoff';
import { RunProgress, type BatchResult } from '../../../shared/pipeline/run-progress';

const storage = process.env.AzureWebJobsStorage ?? '';
const suffix = randomBytes(4).toString('hex');

const result: BatchResult = {
  kind: 'subscribe',
  segment: 'S',
  succeeded: 1,
  rejected: 0,
  failed: 0,
  added: 1,
  updated: 0,
  removed: 0,
  hasFailures: false,
};

describe('progressBackoffMs', () => {
  const at = (random: number) => ({ baseMs: 10, capMs: 500, random: () => random });

  it('doubles per conflict up to the cap, half of it fixed and half jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => progressBackoffMs(n, at(0)))).toEqual([
      5, 10, 20, 40, 80, 160, 250, 250,
    ]);
    expect([1, 2, 3, 7, 8].map((n) => progressBackoffMs(n, at(0.999999)))).toEqual([
      10, 20, 40, 500, 500,
    ]);
  });
});

describe('RunProgress under contention (on the run’s Azurite)', () => {
  const table = createTableClient(
    { kind: 'connectionString', connectionString: storage },
    `progress${suffix}`,
  );
  const tenantId = 't';

  beforeAll(() => table.createTable());

  /**
   * A RunProgress whose first `rivals` writes each meet a real conflict (412) in the table:
   * another batch of the same shard (16, 32, ... share shard 0 with batch 0) writes the row
   * between its read and its write. The waits are recorded instead of slept.
   */
  function contended(exportId: string, runId: string, rivals: number, maxAttempts = 12) {
    const waits: number[] = [];
    const own = createTableClient(
      { kind: 'connectionString', connectionString: storage },
      `progress${suffix}`,
    );
    const rival = new RunProgress(table);
    let raced = 0;
    const update = own.updateEntity.bind(own);
    own.updateEntity = async (...args: Parameters<typeof own.updateEntity>) => {
      if (raced < rivals) await rival.recordBatch(tenantId, exportId, runId, 16 * ++raced, result);
      return update(...args);
    };
    const progress = new RunProgress(own, {
      baseMs: 10,
      capMs: 80,
      maxAttempts,
      random: () => 0.5,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    return { progress, waits };
  }

  it('waits longer after each conflict, within the cap, and sets its mark in the end', async () => {
    const exportId = randomUUID();
    const runId = randomUUID();
    // The shard row exists, so batch 0 updates it on an ETag.
    await new RunProgress(table).recordBatch(tenantId, exportId, runId, 800, result);
    const { progress, waits } = contended(exportId, runId, 5);
    await progress.recordBatch(tenantId, exportId, runId, 0, result);
    // Five conflicts, five waits (0.75 of 10, 20, 40, then the cap of 80), then the mark is set.
    expect(waits).toEqual([8, 15, 30, 60, 60]);
    // Batch 800, the five rivals and batch 0.
    expect(await progress.completedBatches(tenantId, exportId, runId)).toBe(7);
  });

  it('gives up after its attempts, so the queue delivers the batch again', async () => {
    const exportId = randomUUID();
    const runId = randomUUID();
    await new RunProgress(table).recordBatch(tenantId, exportId, runId, 800, result);
    const { progress, waits } = contended(exportId, runId, 50, 4);
    await expect(progress.recordBatch(tenantId, exportId, runId, 0, result)).rejects.toThrow(
      "The run's progress row stayed contended through 4 attempts",
    );
    // Four attempts, a wait between each two, none after the last.
    expect(waits).toEqual([8, 15, 30]);
  });
});
