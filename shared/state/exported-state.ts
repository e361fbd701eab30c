import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ContainerClient } from '@azure/storage-blob';
import { statusCodeOf } from '../clients/azure-errors';
import { bodyBytes } from '../clients/blob-body';
import { textLines } from './text-lines';
import { commitStagedState, openStagedState, type StagedStateWriter } from './staged-state';
import { StateTable } from './state-table';
import { downloadVersioned } from './versioned-blob';
import { parseStateLine, readStateBytes } from './state-lines';
import { pointerFormat, type CommittedState, type StatePointer } from './state-pointer';
import {
  exportStatePrefix,
  runStateBlobName,
  runStatesPrefix,
  statePointerBlobName,
} from '../work-blobs';

import {
  memberCountKey,
  openStateBlobWriter,
  stateBlobFormat,
  type StateWriter,
} from './state-blob-writer';

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

/** The end of a stored line, where a chunk of a state blob may be cut. */
const newline = 0x0a;

export type CommitOutcome = 'committed' | 'alreadyCommitted' | 'superseded';

export class ExportedStateStore {
  constructor(private readonly container: ContainerClient) {}

  #pointerBlob(tenantId: string, exportId: string) {
    return this.container.getBlockBlobClient(statePointerBlobName(tenantId, exportId));
  }

  /** Which blobs hold the export's confirmed state; no pointer when it never finished a run. */
  async committed(tenantId: string, exportId: string): Promise<CommittedState> {
    try {
      const blob = this.#pointerBlob(tenantId, exportId);
      const download = await blob.download();
      const body = await bodyBytes(download);
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
    for await (const chunk of this.#bytes(blobName)) readStateBytes(chunk, state);
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
    return openStateBlobWriter(
      this.container,
      runStateBlobName(tenantId, exportId, runId, segment),
    );
  }

  /**
   * Writes one part of a run's state planned in steps (a group of a spilled plan), staged on the
   * run's state blob; `commitStagedRunState` makes the parts, in order, the blob.
   */
  openStagedRunState(
    tenantId: string,
    exportId: string,
    runId: string,
    segment: string,
    part: number,
  ): StagedStateWriter {
    const blobName = runStateBlobName(tenantId, exportId, runId, segment);
    return openStagedState(this.container, blobName, part);
  }

  async commitStagedRunState(
    tenantId: string,
    exportId: string,
    runId: string,
    segment: string,
    blocks: string[],
    members: number,
  ): Promise<void> {
    const blobName = runStateBlobName(tenantId, exportId, runId, segment);
    await commitStagedState(this.container, blobName, blocks, members);
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
    const planned = runStateBlobName(tenantId, exportId, runId, segment);
    const name = runStateBlobName(tenantId, exportId, runId, segment, randomUUID());
    const writer = openStateBlobWriter(this.container, name);
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
    const prefix = runStatesPrefix(tenantId, exportId);
    for await (const blob of this.container.listBlobsFlat({ prefix })) {
      if (kept.has(blob.name) || blob.properties.lastModified >= committedAt) continue;
      await this.container.deleteBlob(blob.name).catch((error: unknown) => {
        if (statusCodeOf(error) !== 404) throw error;
      });
    }
  }

  /** Everything kept for an export (when the export is deleted). */
  async removeAll(tenantId: string, exportId: string): Promise<void> {
    const prefix = exportStatePrefix(tenantId, exportId);
    for await (const blob of this.container.listBlobsFlat({ prefix })) {
      await this.container.deleteBlob(blob.name).catch((error: unknown) => {
        if (statusCodeOf(error) !== 404) throw error;
      });
    }
  }
}
