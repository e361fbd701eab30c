import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { ContainerClient } from '@azure/storage-blob';
import { versionedBlobFormat } from '../schema-version';
import { hashText } from './state-lines';

/** A state blob's lines have no room for a version: it is the blob's metadata. */
export const stateBlobFormat = versionedBlobFormat('exported-state blob (.tsv.gz)');

/** Blob metadata holding a state blob's member count. */
export const memberCountKey = 'members';

/** Writes a run's state a part at a time; `close` finishes the blob. */
export interface StateWriter {
  add(state: Iterable<[string, number]>): Promise<void>;
  close(): Promise<void>;
  /** Gives up the blob (planning failed): nothing is committed, the upload ends. */
  abort(): void;
}

/**
 * Streams a run's state into a state blob: gzip-compressed lines, the member count in its
 * metadata once closed.
 */
export function openStateBlobWriter(container: ContainerClient, blobName: string): StateWriter {
  // Fast compression: the blob is written once per run and read once by the next.
  const gzip = createGzip({ level: 1 });
  const output = new PassThrough();
  gzip.pipe(output);
  const blob = container.getBlockBlobClient(blobName);
  const uploading = blob.uploadStream(output, 4 * 1024 * 1024, 4, {
    blobHTTPHeaders: { blobContentType: 'text/tab-separated-values' },
    metadata: stateBlobFormat.metadata(),
  });
  // Awaited in `close`, or raced below; never an unhandled rejection when the planner stops early.
  uploading.catch(() => undefined);
  // A failed upload ends the wait for a drain that would never come.
  const drained = () => Promise.race([once(gzip, 'drain'), uploading]);
  let count = 0;
  return {
    add: async (state) => {
      let chunk = '';
      for (const [email, fields] of state) {
        chunk += `${email}\t${hashText(fields)}\n`;
        count++;
        if (chunk.length > 64 * 1024) {
          if (!gzip.write(chunk)) await drained();
          chunk = '';
        }
      }
      if (chunk && !gzip.write(chunk)) await drained();
    },
    close: async () => {
      gzip.end();
      await uploading;
      // Setting metadata replaces all of it: the version is written again with the count.
      await blob.setMetadata({ ...stateBlobFormat.metadata(), [memberCountKey]: String(count) });
    },
    abort: () => {
      output.destroy(new Error('Planning stopped; the run state is not written.'));
      gzip.destroy();
    },
  };
}
