import path from 'node:path';
import { parseArgs } from 'node:util';
import { canonicalTenant } from '../shared/http/token-principal';
import { quoteForMessage } from '../shared/quote-for-message';
import {
  parseSnapshotBlobName,
  SegmentNameSchema,
  tenantFolder,
  type SegmentFormat,
} from '../shared/segments/segment-name';
import { usableTenantId } from '../shared/tenant-id';

/** A snapshot to write: the local file, and the blob the app will read it from. */
export interface PutRequest {
  file: string;
  tenantId: string;
  name: string;
  format: SegmentFormat;
  compressed: boolean;
  blobName: string;
}

export type SegmentCommand =
  | { kind: 'help' }
  | { kind: 'error'; message: string }
  | { kind: 'put'; request: PutRequest }
  | { kind: 'list'; tenantId: string };

/** A bad argument: reported with the usage hint, before storage is touched. */
export class ArgumentError extends Error {}

const optionSpecs = {
  tenant: { type: 'string' },
  name: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

// The formats the app reads, from the end of the file's name; a run takes the format from the
// blob's extension only, never from its content.
const snapshotExtension = /\.(csv|jsonl)(\.gz)?$/i;

/**
 * Reads `put FILE --tenant TID [--name NAME]` or `list --tenant TID`. `cwd` is where relative
 * paths start: npm runs scripts in the package folder, and says in INIT_CWD where it was called.
 */
export function parseSegmentArguments(args: string[], cwd: string): SegmentCommand {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: optionSpecs,
      allowPositionals: true,
      strict: true,
    });
    const [command, ...rest] = positionals;
    if (values.help || command === undefined || command === 'help') return { kind: 'help' };
    if (command === 'list') {
      if (rest.length > 0) throw new ArgumentError('list takes no file: only --tenant');
      if (values.name !== undefined) throw new ArgumentError('list takes no --name');
      return { kind: 'list', tenantId: tenantOption(values.tenant) };
    }
    if (command !== 'put') {
      throw new ArgumentError(`unknown command ${quoteForMessage(command)}: use put or list`);
    }
    const [file, ...extra] = rest;
    if (file === undefined) throw new ArgumentError('put needs the FILE to write');
    if (extra.length > 0) throw new ArgumentError('put writes one FILE at a time');
    return { kind: 'put', request: putRequest(path.resolve(cwd, file), values) };
  } catch (error) {
    if (error instanceof ArgumentError) return { kind: 'error', message: error.message };
    const code = (error as { code?: unknown }).code;
    // node:util parseArgs: an unknown option or a missing value; the first sentence says which.
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))
      return { kind: 'error', message: (error as Error).message.split(/\.\s/)[0] ?? '' };
    throw error;
  }
}

function putRequest(file: string, values: { tenant?: string; name?: string }): PutRequest {
  const base = path.basename(file);
  const extension = snapshotExtension.exec(base);
  if (!extension) {
    throw new ArgumentError(
      `${quoteForMessage(base)} is not a snapshot the app reads: the file name must end in .csv, .jsonl, .csv.gz or .jsonl.gz (the format comes from it)`,
    );
  }
  const tenantId = tenantOption(values.tenant);
  // Without --name the segment is named like the file, without its extensions.
  const name = values.name ?? base.slice(0, base.length - extension[0].length);
  const checked = SegmentNameSchema.safeParse(name);
  if (!checked.success) {
    const reason = checked.error.issues[0]?.message ?? 'not a segment name';
    const which = values.name === undefined ? 'the file name (give --name)' : '--name';
    throw new ArgumentError(
      name === '' ? `${which} is empty` : `${which} cannot name a segment: ${reason}`,
    );
  }
  const format = extension[1]!.toLowerCase() as SegmentFormat;
  const compressed = extension[2] !== undefined;
  // Written with the extensions in lower case: the app finds `.csv`, never `.CSV`.
  const folder = tenantFolder(tenantId);
  const blobName = `${folder}${name}.${format}${compressed ? '.gz' : ''}`;
  const parsed = parseSnapshotBlobName(folder, blobName);
  // The app's own reading of the blob name must give back this segment, or it would never find it.
  if (parsed?.name !== name || parsed.format !== format || parsed.compressed !== compressed) {
    throw new ArgumentError(`the app would not read ${quoteForMessage(name)} as a segment name`);
  }
  return { file, tenantId, name, format, compressed, blobName };
}

/**
 * The tenant folder, as the app names it: an id a token's `tid` (or the platform's x-tenant-id)
 * may carry and a folder may hold, a GUID in lower case as the app keys tenants.
 */
function tenantOption(value: string | undefined): string {
  if (value === undefined || value.trim() === '') {
    throw new ArgumentError(
      '--tenant <tenant id> is required: the tid claim of the tenant users’ tokens',
    );
  }
  let usable = usableTenantId(value);
  if (usable) {
    try {
      tenantFolder(value);
    } catch {
      usable = false;
    }
  }
  if (!usable) {
    throw new ArgumentError(
      '--tenant cannot name a tenant folder: at most 200 characters, not . or .., and none of / \\ # ? %2F %5C or control characters',
    );
  }
  return canonicalTenant({ allowedTenants: undefined }, value);
}
