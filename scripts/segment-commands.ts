import { open, stat } from 'node:fs/promises';
import { isRestError } from '@azure/storage-blob';
import { quoteForMessage } from '../shared/quote-for-message';
import { SegmentCatalog, type Segment } from '../shared/segments/segment-catalog';
import { parseSnapshotBlobName, tenantFolder } from '../shared/segments/segment-name';
import { segmentsContainerName } from '../shared/storage-layout';
import { ArgumentError, type PutRequest } from './segment-options';
import type { SegmentStorage } from './segment-storage';

/** What a command says: lines for stdout, and whether it did what was asked. */
export interface CommandResult {
  lines: string[];
  ok: boolean;
}

const contentTypes = { csv: 'text/csv; charset=utf-8', jsonl: 'application/jsonl; charset=utf-8' };

/** A storage that cannot be reached, or has no segments container: named before anything is sent. */
export class StorageError extends Error {}

/**
 * Writes the file as the segment's one snapshot blob, in one upload (one blob-created event), then
 * removes the segment's blobs of other formats, which would make the app refuse the segment as
 * ambiguous; then reads the segment back as the app does and says what the app sees in it.
 */
export async function putSnapshot(
  storage: SegmentStorage,
  request: PutRequest,
): Promise<CommandResult> {
  const sizeBytes = await checkedFile(request);
  const others = (await segmentBlobs(storage, request)).filter(
    (blobName) => blobName !== request.blobName,
  );
  await storage.container.getBlockBlobClient(request.blobName).uploadFile(request.file, {
    blobHTTPHeaders: {
      blobContentType: request.compressed ? 'application/gzip' : contentTypes[request.format],
    },
  });
  const lines = [
    `Wrote ${segmentsContainerName}/${request.blobName} (${bytes(sizeBytes)}) to ${storage.where}`,
  ];
  for (const blobName of others) {
    await storage.container.getBlobClient(blobName).deleteIfExists();
    lines.push(`Removed ${segmentsContainerName}/${blobName}: a segment has one snapshot blob`);
  }
  const segment = await new SegmentCatalog(storage.container).get(request.tenantId, request.name);
  if (!segment) {
    return {
      lines: [...lines, 'The snapshot was not found again: was it deleted since?'],
      ok: false,
    };
  }
  if (segment.problem) {
    lines.push(`The app cannot export it as it is: ${segment.problem.message}`);
    return { lines, ok: false };
  }
  lines.push(
    `The app reads segment ${quoteForMessage(segment.name)} with columns: ${segment.columns.map((column) => quoteForMessage(column)).join(', ')}`,
  );
  return { lines, ok: true };
}

/** The tenant's segments as the app lists them (GET /api/segments). */
export async function listSnapshots(
  storage: SegmentStorage,
  tenantId: string,
): Promise<CommandResult> {
  await reachable(storage, tenantFolder(tenantId));
  const segments = await new SegmentCatalog(storage.container).list(tenantId);
  if (segments.length === 0) {
    return { lines: [`No segment snapshots for tenant ${tenantId} in ${storage.where}`], ok: true };
  }
  return {
    lines: [`Segments of tenant ${tenantId} in ${storage.where}:`, ...segments.map(segmentLine)],
    ok: true,
  };
}

function segmentLine(segment: Segment): string {
  const format = `${segment.format}${segment.compressed ? '.gz' : ''}`;
  const state = segment.problem
    ? `unusable: ${segment.problem.message}`
    : `${segment.columns.length} column${segment.columns.length === 1 ? '' : 's'}`;
  return `  ${quoteForMessage(segment.name, 200)}  ${format}  ${bytes(segment.sizeBytes)}  ${segment.updatedAt}  ${state}`;
}

/**
 * The file's size, once it is known to be a file whose compression matches its name: a `.gz`
 * that is not gzip (or gzip without `.gz`) would fail every run that reads it.
 */
async function checkedFile(request: PutRequest): Promise<number> {
  const shown = quoteForMessage(request.file, 200);
  const info = await stat(request.file).catch(() => undefined);
  if (!info) throw new ArgumentError(`${shown} does not exist`);
  if (!info.isFile()) throw new ArgumentError(`${shown} is not a file`);
  const handle = await open(request.file, 'r');
  const start = Buffer.alloc(2);
  try {
    await handle.read(start, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const gzip = start[0] === 0x1f && start[1] === 0x8b;
  if (request.compressed && !gzip) {
    throw new ArgumentError(`${shown} ends in .gz but is not gzip-compressed`);
  }
  if (!request.compressed && gzip) {
    throw new ArgumentError(`${shown} is gzip-compressed: its name must end in .gz`);
  }
  return info.size;
}

/** The blobs that hold the segment now (any format), found as the app finds them. */
async function segmentBlobs(storage: SegmentStorage, request: PutRequest): Promise<string[]> {
  const folder = tenantFolder(request.tenantId);
  return (await reachable(storage, `${folder}${request.name}.`))
    .filter((blobName) => parseSnapshotBlobName(folder, blobName)?.name === request.name)
    .sort();
}

/** Blob names under `prefix`; a storage that does not answer, or lacks the container, is named. */
async function reachable(storage: SegmentStorage, prefix: string): Promise<string[]> {
  const names: string[] = [];
  try {
    const items = storage.container.listBlobsByHierarchy('/', {
      prefix,
      abortSignal: AbortSignal.timeout(30_000),
    });
    for await (const item of items) if (item.kind === 'blob') names.push(item.name);
    return names;
  } catch (error) {
    if (isRestError(error) && error.statusCode === 404) {
      throw new StorageError(
        `${storage.where} has no container ${segmentsContainerName}: npm start creates it locally, the deployment in Azure`,
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    const hint = (error as { code?: unknown }).code === 'ECONNREFUSED' ? ' (is it running?)' : '';
    throw new StorageError(`${storage.where} could not be read${hint}: ${reason}`);
  }
}

function bytes(count: number): string {
  return `${count.toLocaleString('en-US')} bytes`;
}
