import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { ContainerClient } from '@azure/storage-blob';
import { z } from 'zod';
import { statusCodeOf } from '../clients/azure-errors';
import type { Rejection } from '../snapshot/segment-members';
import { versionedBlobFormat } from '../schema-version';
import { failureListFormat } from './sending/batch-blobs';
import { textLines } from '../state/text-lines';
import { downloadVersioned, downloadVersionedBytes } from '../state/versioned-blob';
import { failureListsPrefix, rejectionsBlobName } from '../work-blobs';

export const RejectionSchema = z
  .object({
    email: z.string().describe('As it was in the snapshot (trimmed), or as sent to Iterable'),
    reason: z
      .string()
      .describe(
        'invalidEmail, missingEmail, unreadableRow (a broken JSON line or CSV quotes), invalidUtf8 (a mapped value with bytes that are not UTF-8), memberTooLarge (over what one request may carry), or the failedUpdates kind Iterable gave',
      ),
    line: z.number().int().optional().describe('Where the row is in the snapshot'),
    segment: z
      .string()
      .optional()
      .describe('The segment the row came from (absent only for runs recorded before it was kept)'),
  })
  .meta({ id: 'Rejection' });
export type RejectionEntry = z.infer<typeof RejectionSchema>;

const PlannerRejectionSchema = z.object({
  email: z.string(),
  reason: z.string(),
  line: z.number(),
  segment: z.string().optional(),
});
const IterableFailureSchema = z.array(
  z.object({ email: z.string(), reason: z.string(), segment: z.string().optional() }),
);

/** The planner's rejections: JSON lines, none of which speaks for the blob, so metadata does. */
const rejectionLogFormat = versionedBlobFormat('planner rejections (rejections.jsonl)');

/** One page of a run's rejections, and whether any follow it. */
export interface RejectionPage {
  page: RejectionEntry[];
  more: boolean;
}

/**
 * A page of a run's rejected rows: `top` of them from `offset`, those the planner refused while
 * reading the snapshot first, then those Iterable refused (from each batch's failure list).
 * Members of batches that failed as a whole are failures to retry, not rejections, and are left
 * out. The planner's list is read as a stream up to the page's end, so a run with millions of
 * rejected rows costs a page of memory, not the whole list.
 */
export async function readRejections(
  work: ContainerClient,
  tenantId: string,
  runId: string,
  window: { offset: number; top: number },
): Promise<RejectionPage> {
  const page: RejectionEntry[] = [];
  let index = 0;
  /** Takes an entry if it falls on the page; false once the page is full and one more exists. */
  const take = (entry: () => RejectionEntry): boolean => {
    if (index >= window.offset + window.top) return false;
    if (index >= window.offset) page.push(entry());
    index++;
    return true;
  };
  try {
    const body = await downloadVersioned(
      work.getBlobClient(rejectionsBlobName(tenantId, runId)),
      rejectionLogFormat,
    );
    for await (const lines of textLines(body)) {
      for (const line of lines) {
        if (line && !take(() => PlannerRejectionSchema.parse(JSON.parse(line)))) {
          return { page, more: true };
        }
      }
    }
  } catch (error) {
    if (statusCodeOf(error) !== 404) throw error;
  }
  for await (const blob of work.listBlobsFlat({ prefix: failureListsPrefix(tenantId, runId) })) {
    const text = (
      await downloadVersionedBytes(work.getBlobClient(blob.name), failureListFormat)
    ).toString('utf8');
    for (const failure of IterableFailureSchema.parse(JSON.parse(text))) {
      if (failure.reason !== 'batchFailed' && !take(() => failure)) return { page, more: true };
    }
  }
  return { page, more: false };
}

/**
 * The planner's rejections, streamed to the run's rejections blob as they are found, so a
 * segment of millions of bad rows costs no more memory than one of a few. The blob is started at
 * the first rejection and committed by `close`; a plan that stops first commits nothing, and a
 * plan made again writes the blob again whole.
 */
export class RejectionLog {
  #count = 0;
  #output: PassThrough | undefined;
  #uploading: Promise<unknown> | undefined;

  constructor(
    private readonly work: ContainerClient,
    private readonly ids: { tenantId: string; runId: string },
  ) {}

  get count(): number {
    return this.#count;
  }

  add(rejection: Rejection, segment: string): void {
    this.#count++;
    this.#open().write(`${JSON.stringify({ ...rejection, segment })}\n`);
  }

  /** Waits while the upload is behind (the planner calls it between chunks of rows). */
  async drained(): Promise<void> {
    const output = this.#output;
    if (output?.writableNeedDrain) await Promise.race([once(output, 'drain'), this.#uploading]);
  }

  /** Commits the blob, when there was anything to write. */
  async close(): Promise<void> {
    this.#output?.end();
    await this.#uploading;
  }

  /** Gives the blob up (planning failed): nothing is committed. */
  abort(): void {
    this.#output?.destroy(new Error('Planning stopped; the rejections are not written.'));
  }

  #open(): PassThrough {
    if (this.#output) return this.#output;
    const output = new PassThrough({ highWaterMark: 1024 * 1024 });
    const blob = this.work.getBlockBlobClient(
      rejectionsBlobName(this.ids.tenantId, this.ids.runId),
    );
    this.#uploading = blob.uploadStream(output, 1024 * 1024, 2, {
      blobHTTPHeaders: { blobContentType: 'application/x-ndjson' },
      metadata: rejectionLogFormat.metadata(),
    });
    // Awaited in `close` or `drained`; never an unhandled rejection when planning stops early.
    this.#uploading.catch(() => undefined);
    this.#output = output;
    return output;
  }
}

/** Members as they come, waiting between chunks while the rejections' upload is behind. */
export async function* pacedBy<T>(
  members: AsyncIterable<T>,
  rejections: RejectionLog,
): AsyncGenerator<T> {
  for await (const chunk of members) {
    yield chunk;
    await rejections.drained();
  }
}
