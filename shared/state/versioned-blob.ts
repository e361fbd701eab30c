import type { Readable } from 'node:stream';
import type { BlobClient } from '@azure/storage-blob';
import type { VersionedBlobFormat } from '../schema-version';

/**
 * A blob's download once its metadata names a version of `format` this release reads; for a
 * newer one the download is let go and NewerSchemaVersionError thrown.
 */
export async function downloadVersioned(
  blob: BlobClient,
  format: VersionedBlobFormat,
): Promise<Readable> {
  const download = await blob.download();
  const body = download.readableStreamBody as Readable;
  try {
    format.check(download.metadata);
  } catch (error) {
    body.destroy();
    throw error;
  }
  return body;
}

/** The whole of a blob of `format`, as `downloadVersioned` checks it. */
export async function downloadVersionedBytes(
  blob: BlobClient,
  format: VersionedBlobFormat,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await downloadVersioned(blob, format)) as AsyncIterable<Buffer>)
    chunks.push(chunk);
  return Buffer.concat(chunks);
}
