import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { readRejections, RejectionLog } from '../../../shared/pipeline/run-rejections';
import type { Rejection } from '../../../shared/snapshot/segment-members';

describe('RejectionLog', () => {
  const container = BlobServiceClient.fromConnectionString(
    process.env.AzureWebJobsStorage ?? '',
  ).getContainerClient(`work-${randomBytes(4).toString('hex')}`);

  beforeAll(() => container.create());
  afterAll(() => container.delete());

  const rejection = (line: number): Rejection => ({
    email: `not-an-email-${line}`,
    reason: 'invalidEmail',
    line,
  });
  /** A rejection as the run lists it: it names the segment its row came from. */
  const listed = (line: number) => ({ ...rejection(line), segment: 'Weekly' });

  it('streams every rejection to the run, in order, however many there are', async () => {
    const log = new RejectionLog(container, { tenantId: 't/1', runId: 'run-many' });
    // About 3.5 MB of lines: several blocks, and more than the stream holds before it waits.
    for (let line = 2; line < 60_002; line++) {
      log.add(rejection(line), 'Weekly');
      if (line % 2048 === 0) await log.drained();
    }
    await log.close();
    expect(log.count).toBe(60_000);
    const all = await readRejections(container, 't/1', 'run-many', { offset: 0, top: 100_000 });
    expect(all.more).toBe(false);
    expect(all.page).toHaveLength(60_000);
    expect(all.page.every((entry, index) => entry.line === index + 2)).toBe(true);
    expect(all.page.every((entry) => entry.segment === 'Weekly')).toBe(true);
    // A page from the middle, read up to its end only.
    const page = await readRejections(container, 't/1', 'run-many', { offset: 59_000, top: 500 });
    expect(page.more).toBe(true);
    expect(page.page).toEqual(Array.from({ length: 500 }, (_, n) => listed(59_002 + n)));
    const last = await readRejections(container, 't/1', 'run-many', { offset: 59_500, top: 500 });
    expect(last).toEqual({
      page: Array.from({ length: 500 }, (_, n) => listed(59_502 + n)),
      more: false,
    });
  });

  it('writes no blob for a run without rejections', async () => {
    const log = new RejectionLog(container, { tenantId: 't', runId: 'run-none' });
    await log.close();
    expect(log.count).toBe(0);
    const blobs = [];
    for await (const blob of container.listBlobsFlat({ prefix: 't/run-none/' })) blobs.push(blob);
    expect(blobs).toEqual([]);
  });

  it('commits nothing when planning stops', async () => {
    const log = new RejectionLog(container, { tenantId: 't', runId: 'run-stopped' });
    for (let line = 2; line < 5_000; line++) log.add(rejection(line), 'Weekly');
    log.abort();
    await expect(log.close()).rejects.toThrow('Planning stopped');
    expect(await readRejections(container, 't', 'run-stopped', { offset: 0, top: 10 })).toEqual({
      page: [],
      more: false,
    });
  });
});
