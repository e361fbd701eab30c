import { z } from 'zod';
import { parseSnapshotBlobName, tenantFolder } from '../segments/segment-name';
import { usableTenantId } from '../tenant-id';

export const blobCreatedEventType = 'Microsoft.Storage.BlobCreated';

/** An Event Grid schema event; only what is read here, the rest passes. */
const EventGridEventSchema = z.looseObject({
  eventType: z.string(),
  subject: z.string().optional(),
  eventTime: z.string(),
  data: z.looseObject({ url: z.string().optional() }).nullish(),
});

/** A CloudEvents 1.0 schema event (Event Grid delivers either, as the subscription says). */
const CloudEventSchema = z.looseObject({
  specversion: z.string(),
  type: z.string(),
  subject: z.string().optional(),
  time: z.string().optional(),
  data: z.looseObject({ url: z.string().optional() }).nullish(),
});

/** A snapshot the platform wrote, as one blob-created event tells it. */
export interface SnapshotWritten {
  tenantId: string;
  segment: string;
  blobName: string;
  /** When the blob was written (the event's time), as toISOString() writes it. */
  eventTime: string;
}

/** Why an event starts nothing: it is no snapshot written in the segments container. */
export interface IgnoredEvent {
  ignored: string;
}

const blobSubject = /^\/blobServices\/default\/containers\/([^/]+)\/blobs\/(.+)$/s;

/**
 * Reads a blob-created event as the segment snapshot it wrote: `{tenantId}/{segment}.csv|.jsonl`
 * (optionally `.gz`) in `container`, named exactly as the segment catalog names snapshots. Other
 * event types, containers and blobs (deeper paths, other extensions, names no segment can have,
 * folders no tenant can have) are ignored, with the reason.
 */
export function snapshotWritten(
  raw: unknown,
  container: string,
  now: Date,
): SnapshotWritten | IgnoredEvent {
  const event = normalized(raw);
  if (!event) return { ignored: 'not an Event Grid or CloudEvents event' };
  if (event.type !== blobCreatedEventType) return { ignored: `event type ${event.type}` };
  const blob = blobPath(event);
  if (!blob) return { ignored: 'no blob named in the subject or URL' };
  if (blob.container !== container) return { ignored: `container ${blob.container}` };
  const tenantId = blob.name.split('/')[0] ?? '';
  if (!usableTenantId(tenantId)) return { ignored: 'not in a tenant folder' };
  let snapshot: ReturnType<typeof parseSnapshotBlobName>;
  try {
    snapshot = parseSnapshotBlobName(tenantFolder(tenantId), blob.name);
  } catch {
    return { ignored: 'not in a tenant folder' };
  }
  if (!snapshot) return { ignored: 'not a segment snapshot' };
  const time = Date.parse(event.time ?? '');
  return {
    tenantId,
    segment: snapshot.name,
    blobName: snapshot.blobName,
    eventTime: new Date(Number.isNaN(time) ? now.getTime() : time).toISOString(),
  };
}

interface NormalizedEvent {
  type: string;
  subject?: string;
  time?: string;
  url?: string;
}

function normalized(raw: unknown): NormalizedEvent | undefined {
  const cloudEvent = CloudEventSchema.safeParse(raw);
  if (cloudEvent.success) {
    const { type, subject, time, data } = cloudEvent.data;
    return { type, subject, time, url: data?.url };
  }
  const event = EventGridEventSchema.safeParse(raw);
  if (!event.success) return undefined;
  const { eventType, subject, eventTime, data } = event.data;
  return { type: eventType, subject, time: eventTime, url: data?.url };
}

/**
 * The container and blob name from the subject, which holds the name as written; else from the
 * URL, whose path holds it percent-encoded after the container (and, on Azurite-style URLs, the
 * account).
 */
function blobPath(event: NormalizedEvent): { container: string; name: string } | undefined {
  const match = blobSubject.exec(event.subject ?? '');
  if (match?.[1] && match[2]) return { container: match[1], name: match[2] };
  if (!event.url) return undefined;
  try {
    const url = new URL(event.url);
    const parts = url.pathname.split('/').slice(1);
    // https://{account}.blob.core.windows.net/{container}/{blob}; an emulator puts the account
    // first: http://127.0.0.1:10000/{account}/{container}/{blob}.
    const skip = url.hostname.includes('.blob.') ? 0 : 1;
    const [container, ...name] = parts.slice(skip);
    if (!container || name.length === 0) return undefined;
    return { container, name: name.map(decodeURIComponent).join('/') };
  } catch {
    return undefined;
  }
}
