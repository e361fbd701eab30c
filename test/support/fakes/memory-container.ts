/* eslint-disable @typescript-eslint/require-await -- an in-memory fake answers at once, behind the same async methods as the client it stands in for */
import { Readable } from 'node:stream';
import type { ContainerClient } from '@azure/storage-blob';
import { storageError } from './storage-error';

/** A stored blob: its bytes, metadata and the ETag that changes with every write. */
export interface MemoryBlob {
  body: Buffer;
  metadata: Record<string, string>;
  etag: string;
  lastModified: Date;
}

interface WriteConditions {
  ifMatch?: string;
  ifNoneMatch?: string;
}

interface WriteOptions {
  metadata?: Record<string, string>;
  conditions?: WriteConditions;
}

let etagCounter = 0;

/**
 * A blob container in memory with the ETag rules the app relies on: conditional downloads
 * (`ifMatch`, 412 when the blob changed) and conditional uploads (`ifMatch` 412, `ifNoneMatch: '*'`
 * 409). Only the calls the app makes are here; `asContainerClient` hands it to code typed with the
 * SDK's class (whose private members no structural fake can have).
 */
export class MemoryContainer {
  readonly blobs = new Map<string, MemoryBlob>();
  readonly #staged = new Map<string, Map<string, Buffer>>();
  /** Downloads that fail with this status, by blob name (a storage outage, say). */
  readonly failDownloads = new Map<string, number>();

  asContainerClient(): ContainerClient {
    return this as unknown as ContainerClient;
  }

  /** Writes a blob directly, as another writer (the platform, a test) would. */
  put(name: string, body: string | Buffer, metadata: Record<string, string> = {}): MemoryBlob {
    const blob = {
      body: Buffer.isBuffer(body) ? body : Buffer.from(body),
      metadata: { ...metadata },
      etag: `"etag-${++etagCounter}"`,
      lastModified: new Date(),
    };
    this.blobs.set(name, blob);
    return blob;
  }

  text(name: string): string | undefined {
    return this.blobs.get(name)?.body.toString('utf8');
  }

  names(prefix = ''): string[] {
    return [...this.blobs.keys()].filter((name) => name.startsWith(prefix)).sort();
  }

  getBlobClient(name: string) {
    return this.#client(name);
  }

  getBlockBlobClient(name: string) {
    return this.#client(name);
  }

  async deleteBlob(name: string): Promise<void> {
    if (!this.blobs.delete(name)) throw storageError(404, `BlobNotFound: ${name}`);
  }

  async *listBlobsFlat(options: { prefix?: string } = {}) {
    for (const name of this.names(options.prefix)) yield this.#item(name);
  }

  /** Blobs directly under the prefix's folder; deeper paths are prefixes, not blobs. */
  async *listBlobsByHierarchy(delimiter: string, options: { prefix?: string } = {}) {
    const prefix = options.prefix ?? '';
    const folder = prefix.slice(0, prefix.lastIndexOf(delimiter) + 1);
    for (const name of this.names(prefix)) {
      if (name.slice(folder.length).includes(delimiter)) continue;
      yield { kind: 'blob' as const, ...this.#item(name) };
    }
  }

  #item(name: string) {
    const blob = this.blobs.get(name)!;
    return {
      name,
      properties: {
        etag: blob.etag,
        lastModified: blob.lastModified,
        contentLength: blob.body.length,
      },
    };
  }

  #existing(name: string): MemoryBlob {
    const blob = this.blobs.get(name);
    if (!blob) throw storageError(404, `BlobNotFound: ${name}`);
    return blob;
  }

  #write(name: string, body: Buffer, options: WriteOptions = {}) {
    const current = this.blobs.get(name);
    const { ifMatch, ifNoneMatch } = options.conditions ?? {};
    if (ifNoneMatch === '*' && current) throw storageError(409, `BlobAlreadyExists: ${name}`);
    if (ifMatch && current?.etag !== ifMatch) throw storageError(412, `ConditionNotMet: ${name}`);
    const written = this.put(name, body, options.metadata);
    return { etag: written.etag, lastModified: written.lastModified };
  }

  #client(name: string) {
    return {
      name,
      download: async (
        offset = 0,
        count?: number,
        options: { conditions?: WriteConditions } = {},
      ) => {
        const failure = this.failDownloads.get(name);
        if (failure) throw storageError(failure, `Download failed: ${name}`);
        const blob = this.#existing(name);
        const ifMatch = options.conditions?.ifMatch;
        if (ifMatch && blob.etag !== ifMatch) throw storageError(412, `ConditionNotMet: ${name}`);
        if (offset === 0 && count !== undefined && blob.body.length === 0)
          throw storageError(416, `InvalidRange: ${name}`);
        const end = count === undefined ? blob.body.length : offset + count;
        const bytes = blob.body.subarray(offset, end);
        return {
          readableStreamBody: Readable.from([bytes]),
          contentLength: bytes.length,
          contentRange: `bytes ${offset}-${offset + bytes.length - 1}/${blob.body.length}`,
          etag: blob.etag,
          lastModified: blob.lastModified,
          metadata: { ...blob.metadata },
        };
      },
      downloadToBuffer: async () => {
        const failure = this.failDownloads.get(name);
        if (failure) throw storageError(failure, `Download failed: ${name}`);
        return Buffer.from(this.#existing(name).body);
      },
      getProperties: async () => {
        const blob = this.#existing(name);
        return {
          etag: blob.etag,
          lastModified: blob.lastModified,
          contentLength: blob.body.length,
          metadata: { ...blob.metadata },
        };
      },
      upload: async (body: string | Buffer, _length: number, options?: WriteOptions) =>
        this.#write(name, Buffer.from(body), options),
      uploadStream: async (
        stream: Readable,
        _bufferSize?: number,
        _concurrency?: number,
        options?: WriteOptions,
      ) => {
        const chunks: Buffer[] = [];
        for await (const chunk of stream as AsyncIterable<Buffer | string>)
          chunks.push(Buffer.from(chunk));
        return this.#write(name, Buffer.concat(chunks), options);
      },
      setMetadata: async (metadata: Record<string, string>) => {
        const blob = this.#existing(name);
        this.put(name, blob.body, metadata);
        return {};
      },
      /** Blocks staged but not committed, as the service keeps them: by id, latest wins. */
      stageBlock: async (id: string, body: Buffer | string) => {
        const staged = this.#staged.get(name) ?? new Map<string, Buffer>();
        staged.set(id, Buffer.from(body));
        this.#staged.set(name, staged);
        return {};
      },
      commitBlockList: async (ids: string[], options?: WriteOptions) => {
        const staged = this.#staged.get(name) ?? new Map<string, Buffer>();
        const missing = ids.find((id) => !staged.has(id));
        if (missing) throw storageError(400, `InvalidBlockList: ${name}`);
        // Kept: committed blocks may be named again, as the service allows.
        return this.#write(name, Buffer.concat(ids.map((id) => staged.get(id)!)), options);
      },
      delete: async () => this.deleteBlob(name),
      deleteIfExists: async () => ({ succeeded: this.blobs.delete(name) }),
    };
  }
}
