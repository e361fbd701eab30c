import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import type { ContainerClient } from '@azure/storage-blob';
import { z } from 'zod';
import { statusCodeOf } from '../clients/azure-errors';
import { versionedBlobFormat, versionedFormat } from '../schema-version';
import { textLines } from './spill-files';
import { StateTable } from './state-table';
import { downloadVersioned } from './versioned-blob';

/**
 * What the export last confirmed in Iterable, per export and segment: each member's e-mail and
 * a hash of the data fields sent (a number, kept in base 36). Iterable's list read endpoints
 * allow 5 requests a minute, so the service keeps its own record instead of reading lists back.
 *
 * Layout in the export-state container, under `<tenant>/<exportId>/`:
 * - `runs/<runId>/<segment>.tsv.gz`: the state a run reaches if Iterable confirms every batch,
 *   written once by the planner (gzip-compressed "email<TAB>hash" lines; blob metadata
 *   `members` holds the line count, `schemaversion` the format's version);
 * - `runs/<runId>/<segment>.confirmed-<uuid>.tsv.gz`: the same less what Iterable did not
 *   confirm, written by a finalizer only when a batch of that segment failed;
 * - `state.json`: which of those blobs is each segment's confirmed state (with its
 *   `schemaVersion`). Committing a run is one conditional write of this small pointer, so a run
 *   without failures rewrites no state, and two workers finalizing the same run cannot
 *   interleave their writes.
 */
export type ExportedState = StateTable;

/**
 * The fields hash of a member Iterable has with fields the service does not know (an
 * unsubscribe that failed for someone never confirmed): never equal to a real hash, so the next
 * run sends the member again. A state written before hashes were numbers reads as this too.
 */
export const unknownFields = -1;

/**
 * A short, stable fingerprint of a member's data fields (key order does not matter): a 53-bit
 * non-cryptographic hash (two 32-bit multiply-xorshift lanes, mixed at the end), 0 or more, of
 * each field's name and value, each preceded by its length and the value by its kind, so no two
 * different sets of fields feed the same sequence. Characters go in two at a time and nothing is
 * serialized for string values, the usual case: it costs a fifth of hashing the fields' JSON.
 * It only tells "changed" from "unchanged"; a change goes unnoticed with a chance of about 1 in
 * 9 × 10^15.
 */
export function dataFieldsHash(dataFields: Record<string, unknown>): number {
  const keys = Object.keys(dataFields);
  let sorted = true;
  for (let index = 1; index < keys.length && sorted; index++) {
    sorted = keys[index - 1]! < keys[index]!;
  }
  if (!sorted) keys.sort();
  const lanes = { h1: 0xdeadbeef, h2: 0x41c6ce57 };
  for (const key of keys) {
    const value = dataFields[key];
    const text = typeof value === 'string' ? value : String(JSON.stringify(value));
    mix(lanes, key.length);
    mixText(lanes, key);
    mix(lanes, (typeof value === 'string' ? 0x10000000 : 0x20000000) + text.length);
    mixText(lanes, text);
  }
  let { h1, h2 } = lanes;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

interface HashLanes {
  h1: number;
  h2: number;
}

function mix(lanes: HashLanes, code: number): void {
  lanes.h1 = Math.imul(lanes.h1 ^ code, 2654435761);
  lanes.h2 = Math.imul(lanes.h2 ^ code, 1597334677);
}

/** Two UTF-16 code units per step; past the end `charCodeAt` gives NaN, which `<<` makes 0. */
function mixText(lanes: HashLanes, text: string): void {
  let { h1, h2 } = lanes;
  for (let index = 0; index < text.length; index += 2) {
    const code = text.charCodeAt(index) | (text.charCodeAt(index + 1) << 16);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  lanes.h1 = h1;
  lanes.h2 = h2;
}

const PointerSchema = z.object({
  runId: z.string(),
  segments: z.record(z.string(), z.string()),
});
export type StatePointer = z.infer<typeof PointerSchema>;

const pointerFormat = versionedFormat({
  name: 'exported-state pointer (state.json)',
  schema: PointerSchema,
});

/** A state blob's lines have no room for a version: it is the blob's metadata. */
const stateBlobFormat = versionedBlobFormat('exported-state blob (.tsv.gz)');

/** The confirmed state of an export: which blob holds each segment's, and the pointer's etag. */
export interface CommittedState {
  pointer: StatePointer | undefined;
  etag: string | undefined;
}

/** Writes a run's state a part at a time; `close` finishes the blob. */
export interface StateWriter {
  add(state: Iterable<[string, number]>): Promise<void>;
  close(): Promise<void>;
  /** Gives up the blob (planning failed): nothing is committed, the upload ends. */
  abort(): void;
}

/** Blob metadata holding a state blob's member count. */
const memberCountKey = 'members';

const base36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const base36Low = 36 ** 6;

/**
 * A hash as stored: base 36, as `hash.toString(36)` writes it, in a quarter of the time (V8
 * formats a number in another radix through a general path for fractions, a microsecond each,
 * which is a second per million members).
 */
export function hashText(hash: number): string {
  if (hash < 0 || !Number.isSafeInteger(hash)) return hash.toString(36);
  let high = Math.floor(hash / base36Low);
  let low = hash - high * base36Low;
  let text = '';
  do {
    text = base36[low % 36]! + text;
    low = Math.floor(low / 36);
  } while (low > 0 || (high > 0 && text.length < 6));
  while (high > 0) {
    text = base36[high % 36]! + text;
    high = Math.floor(high / 36);
  }
  return text;
}

/** A stored "email<TAB>hash" line; a hash that cannot be read is unknown, a line without an e-mail none. */
export function parseStateLine(line: string): [string, number] | undefined {
  const tab = line.indexOf('\t');
  if (tab <= 0) return undefined;
  const hash = parseInt(line.slice(tab + 1), 36);
  return [line.slice(0, tab), Number.isNaN(hash) ? unknownFields : hash];
}

/** Adds a stored line to a state. */
export function addStateLine(state: ExportedState, line: string): void {
  const entry = parseStateLine(line);
  if (entry) state.add(entry[0], entry[1]);
}

const newline = 0x0a;
const tab = 0x09;

/**
 * Reads stored "email<TAB>hash" lines straight from their bytes, as `parseStateLine` reads them:
 * each address is decoded on its own, a string holding its own characters (no view into a larger
 * text, so it needs no copy to be kept), and no other text is decoded but the hash.
 */
export function readStateBytes(bytes: Buffer, add: (email: string, hash: number) => void): void {
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(newline, start);
    if (end === -1) end = bytes.length;
    let separator = start;
    while (separator < end && bytes[separator] !== tab) separator++;
    if (separator > start && separator < end) {
      const hash = parseInt(bytes.toString('latin1', separator + 1, end), 36);
      add(bytes.toString('utf8', start, separator), Number.isNaN(hash) ? unknownFields : hash);
    }
    start = end + 1;
  }
}

export type CommitOutcome = 'committed' | 'alreadyCommitted' | 'superseded';

export class ExportedStateStore {
  constructor(private readonly container: ContainerClient) {}

  #folder(tenantId: string, exportId: string): string {
    return `${encodeURIComponent(tenantId)}/${exportId}`;
  }

  /** The state a run will reach if Iterable confirms all of it (or, confirmed, what it did). */
  runStateBlobName(
    tenantId: string,
    exportId: string,
    runId: string,
    segment: string,
    /** Names a confirmed state instead: each finalizer writes its own, under its own name. */
    confirmedBy?: string,
  ): string {
    const suffix = confirmedBy ? `.confirmed-${confirmedBy}` : '';
    const file = `${encodeURIComponent(segment)}${suffix}.tsv.gz`;
    return `${this.#folder(tenantId, exportId)}/runs/${runId}/${file}`;
  }

  #pointerBlob(tenantId: string, exportId: string) {
    return this.container.getBlockBlobClient(`${this.#folder(tenantId, exportId)}/state.json`);
  }

  /** Which blobs hold the export's confirmed state; no pointer when it never finished a run. */
  async committed(tenantId: string, exportId: string): Promise<CommittedState> {
    try {
      const blob = this.#pointerBlob(tenantId, exportId);
      const download = await blob.download();
      const body = await streamToBuffer(download.readableStreamBody as Readable);
      return {
        pointer: pointerFormat.parse(JSON.parse(body.toString('utf8'))),
        etag: download.etag,
      };
    } catch (error) {
      if (statusCodeOf(error) === 404) return { pointer: undefined, etag: undefined };
      throw error;
    }
  }

  /** A segment's confirmed state; empty when no finished run has exported it. */
  async load(tenantId: string, exportId: string, segment: string): Promise<ExportedState> {
    const { pointer } = await this.committed(tenantId, exportId);
    const blobName = pointer?.segments[segment];
    return blobName ? this.loadBlob(blobName) : new StateTable();
  }

  /** Reads a state blob; a missing one is an error, never an empty state. */
  async loadBlob(blobName: string): Promise<ExportedState> {
    const state = new StateTable();
    const add = (email: string, hash: number) => state.add(email, hash, 'own');
    for await (const chunk of this.#bytes(blobName)) readStateBytes(chunk, add);
    return state;
  }

  /** A state blob's bytes, decompressed, each chunk ending with a whole line. */
  async *#bytes(blobName: string): AsyncGenerator<Buffer> {
    let rest: Buffer | undefined;
    for await (const chunk of (await this.#decompressed(blobName)) as AsyncIterable<Buffer>) {
      const bytes = rest ? Buffer.concat([rest, chunk]) : chunk;
      const end = bytes.lastIndexOf(newline) + 1;
      rest = end < bytes.length ? bytes.subarray(end) : undefined;
      if (end > 0) yield bytes.subarray(0, end);
    }
    if (rest) yield rest;
  }

  /** A state blob's "email<TAB>hash" lines, a run at a time, as stored. */
  async *lines(blobName: string): AsyncGenerator<string[]> {
    yield* textLines(await this.#decompressed(blobName));
  }

  /** A state blob's download, through gunzip; a failed download fails the stream. */
  async #decompressed(blobName: string): Promise<Readable> {
    const body = await downloadVersioned(this.container.getBlobClient(blobName), stateBlobFormat);
    const gunzip = createGunzip();
    body.on('error', (error: Error) => gunzip.destroy(error));
    return body.pipe(gunzip);
  }

  /**
   * How many members a state blob holds, as recorded when it was written; undefined for a blob
   * written without the count.
   */
  async memberCount(blobName: string): Promise<number | undefined> {
    const { metadata } = await this.container.getBlobClient(blobName).getProperties();
    stateBlobFormat.check(metadata);
    const count = Number(metadata?.[memberCountKey]);
    return Number.isSafeInteger(count) && count >= 0 ? count : undefined;
  }

  /** The planner's record of what the run will reach: written once per run and segment. */
  async saveRunState(
    tenantId: string,
    exportId: string,
    runId: string,
    segment: string,
    state: Iterable<[string, number]>,
  ): Promise<void> {
    const writer = this.openRunState(tenantId, exportId, runId, segment);
    await writer.add(state);
    await writer.close();
  }

  /**
   * Writes a run's state in parts (a partitioned plan adds one partition's at a time), streamed
   * through gzip into the blob, and records its member count when closed.
   */
  openRunState(tenantId: string, exportId: string, runId: string, segment: string): StateWriter {
    return this.#openWriter(this.runStateBlobName(tenantId, exportId, runId, segment));
  }

  #openWriter(blobName: string): StateWriter {
    // Fast compression: the blob is written once per run and read once by the next.
    const gzip = createGzip({ level: 1 });
    const output = new PassThrough();
    gzip.pipe(output);
    const blob = this.container.getBlockBlobClient(blobName);
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

  /** The records a state blob holds for the given addresses only, read as a stream. */
  async pick(blobName: string, emails: ReadonlySet<string>): Promise<Map<string, number>> {
    const picked = new Map<string, number>();
    for await (const lines of this.lines(blobName)) {
      for (const line of lines) {
        const entry = parseStateLine(line);
        if (entry && emails.has(entry[0])) picked.set(entry[0], entry[1]);
      }
    }
    return picked;
  }

  /**
   * The run's planned state with the records of members Iterable did not confirm replaced (a
   * hash) or dropped (undefined), streamed from the planned blob, so memory holds only those.
   * Each call writes a blob of its own: finalizers racing on the same run never mix blocks, and
   * the pointer's conditional commit picks one blob; the others go with the stale runs.
   */
  async saveConfirmedRunState(
    tenantId: string,
    exportId: string,
    runId: string,
    segment: string,
    overrides: ReadonlyMap<string, number | undefined>,
  ): Promise<string> {
    const planned = this.runStateBlobName(tenantId, exportId, runId, segment);
    const name = this.runStateBlobName(tenantId, exportId, runId, segment, randomUUID());
    const writer = this.#openWriter(name);
    const replaced = new Set<string>();
    try {
      for await (const lines of this.lines(planned)) {
        const kept: [string, number][] = [];
        for (const line of lines) {
          const entry = parseStateLine(line);
          if (!entry) continue;
          if (!overrides.has(entry[0])) {
            kept.push(entry);
            continue;
          }
          replaced.add(entry[0]);
          const override = overrides.get(entry[0]);
          if (override !== undefined) kept.push([entry[0], override]);
        }
        await writer.add(kept);
      }
      // Members the plan removed whose removal failed are members still.
      const added: [string, number][] = [];
      for (const [email, override] of overrides) {
        if (!replaced.has(email) && override !== undefined) added.push([email, override]);
      }
      await writer.add(added);
      await writer.close();
    } catch (error) {
      writer.abort();
      throw error;
    }
    return name;
  }

  /**
   * Makes the run's blobs the confirmed state, if the pointer is still the one read before
   * (`expected`). Another finalizer of the same run may have written it first
   * (`alreadyCommitted`); a pointer moved on to another run means this one is stale
   * (`superseded`) and must not overwrite it.
   */
  async commit(
    tenantId: string,
    exportId: string,
    expected: CommittedState,
    next: StatePointer,
  ): Promise<{ outcome: CommitOutcome; committedAt?: Date }> {
    const body = pointerFormat.serialize(next);
    try {
      const written = await this.#pointerBlob(tenantId, exportId).upload(
        body,
        Buffer.byteLength(body),
        {
          blobHTTPHeaders: { blobContentType: 'application/json' },
          conditions: expected.etag ? { ifMatch: expected.etag } : { ifNoneMatch: '*' },
        },
      );
      return { outcome: 'committed', committedAt: written.lastModified ?? new Date(0) };
    } catch (error) {
      const status = statusCodeOf(error);
      if (status !== 412 && status !== 409) throw error;
      const now = await this.committed(tenantId, exportId);
      return { outcome: now.pointer?.runId === next.runId ? 'alreadyCommitted' : 'superseded' };
    }
  }

  /**
   * Deletes run blobs that are not part of the confirmed state (earlier runs, cancelled ones),
   * if written before the commit at `committedAt` (server time): a run started after this
   * commit keeps its blobs even if this cleanup runs late.
   */
  async removeStaleRuns(
    tenantId: string,
    exportId: string,
    keep: StatePointer,
    committedAt: Date,
  ): Promise<void> {
    const kept = new Set(Object.values(keep.segments));
    const prefix = `${this.#folder(tenantId, exportId)}/runs/`;
    for await (const blob of this.container.listBlobsFlat({ prefix })) {
      if (kept.has(blob.name) || blob.properties.lastModified >= committedAt) continue;
      await this.container.deleteBlob(blob.name).catch((error: unknown) => {
        if (statusCodeOf(error) !== 404) throw error;
      });
    }
  }

  /** Everything kept for an export (when the export is deleted). */
  async removeAll(tenantId: string, exportId: string): Promise<void> {
    const prefix = `${this.#folder(tenantId, exportId)}/`;
    for await (const blob of this.container.listBlobsFlat({ prefix })) {
      await this.container.deleteBlob(blob.name).catch((error: unknown) => {
        if (statusCodeOf(error) !== 404) throw error;
      });
    }
  }
}

async function streamToBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
