import { createHash } from 'node:crypto';
import readline from 'node:readline';
import { PassThrough } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import type { ContainerClient } from '@azure/storage-blob';
import { statusCodeOf } from '../clients/azure-errors';

/**
 * What the export last confirmed in Iterable, per export and segment: each member's e-mail and
 * a hash of the data fields sent. Iterable's list read endpoints allow 5 requests a minute, so the
 * service keeps its own record instead of reading lists back. Stored as gzip-compressed
 * "email<TAB>hash" lines, one blob per export and segment.
 */
export type ExportedState = Map<string, string>;

/** A short, stable fingerprint of a member's data fields (key order does not matter). */
export function dataFieldsHash(dataFields: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(dataFields)
      .sort()
      .map((key) => [key, dataFields[key]]),
  );
  return createHash('sha1').update(canonical).digest('base64url').slice(0, 16);
}

export class ExportedStateStore {
  constructor(private readonly container: ContainerClient) {}

  /** The confirmed state, or with `runId` the state a run will reach if Iterable confirms it all. */
  blobName(tenantId: string, exportId: string, segment: string, runId?: string): string {
    const folder = `${encodeURIComponent(tenantId)}/${exportId}${runId ? `/runs/${runId}` : ''}`;
    return `${folder}/${encodeURIComponent(segment)}.tsv.gz`;
  }

  async remove(tenantId: string, exportId: string, segment: string, runId?: string): Promise<void> {
    await this.container
      .getBlobClient(this.blobName(tenantId, exportId, segment, runId))
      .deleteIfExists();
  }

  /** The last confirmed state; empty when the export never ran for this segment. */
  async load(
    tenantId: string,
    exportId: string,
    segment: string,
    runId?: string,
  ): Promise<ExportedState> {
    const state: ExportedState = new Map();
    const blob = this.container.getBlobClient(this.blobName(tenantId, exportId, segment, runId));
    let body: NodeJS.ReadableStream | undefined;
    try {
      body = (await blob.download()).readableStreamBody;
    } catch (error) {
      if (statusCodeOf(error) === 404) return state;
      throw error;
    }
    if (!body) return state;
    const gunzip = createGunzip();
    body.on('error', (error: Error) => gunzip.destroy(error));
    const lines = readline.createInterface({ input: body.pipe(gunzip), crlfDelay: Infinity });
    for await (const line of lines) {
      const tab = line.indexOf('\t');
      if (tab > 0) state.set(line.slice(0, tab), line.slice(tab + 1));
    }
    return state;
  }

  async save(
    tenantId: string,
    exportId: string,
    segment: string,
    state: Iterable<[string, string]>,
    runId?: string,
  ) {
    const gzip = createGzip({ level: 6 });
    const output = new PassThrough();
    gzip.pipe(output);
    const blob = this.container.getBlockBlobClient(
      this.blobName(tenantId, exportId, segment, runId),
    );
    const uploading = blob.uploadStream(output, 4 * 1024 * 1024, 4, {
      blobHTTPHeaders: {
        blobContentType: 'text/tab-separated-values',
        blobContentEncoding: 'gzip',
      },
    });
    let chunk = '';
    for (const [email, hash] of state) {
      chunk += `${email}\t${hash}\n`;
      if (chunk.length > 64 * 1024) {
        if (!gzip.write(chunk)) await new Promise((resolve) => gzip.once('drain', resolve));
        chunk = '';
      }
    }
    gzip.end(chunk);
    await uploading;
  }
}
