import { z } from 'zod';
import { ForbiddenError } from '../errors';
import { reservedKeys } from '../reserved-keys';

export const maxSegmentNameLength = 200;

// C0 and C1 control characters: invisible in a list name and unsafe in logs.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A segment name is one blob name segment under the tenant's folder. Whatever could leave that
 * folder or name a different blob is refused: `/` and `\` (Azure tools treat `\` as `/`), `.` and
 * `..`, and an encoded `%2F`/`%5C`. The local host decodes `%2F` in a route parameter to `/`, but
 * ASP.NET Core (the real host) leaves it encoded; refusing both keeps the two hosts alike.
 */
export const SegmentNameSchema = z
  .string()
  .min(1)
  .refine((name) => [...name].length <= maxSegmentNameLength, {
    message: `A segment name has at most ${maxSegmentNameLength} characters.`,
  })
  .refine((name) => !/[/\\]|%2f|%5c/i.test(name), {
    message: 'A segment name cannot contain "/" or "\\".',
  })
  .refine((name) => name !== '.' && name !== '..', {
    message: 'A segment name cannot be "." or "..".',
  })
  .refine((name) => !controlCharacter.test(name), {
    message: 'A segment name cannot contain control characters.',
  })
  .refine((name) => name.trim() !== '', { message: 'A segment name cannot be blank.' })
  // The export keeps per-segment records keyed by name; these would find Object's own members.
  .refine((name) => !reservedKeys.has(name), {
    message: 'A segment name cannot be __proto__, constructor or prototype.',
  })
  .meta({ id: 'SegmentName', description: 'The snapshot blob name without its extensions' });

export const segmentFormats = ['csv', 'jsonl'] as const;
export type SegmentFormat = (typeof segmentFormats)[number];

/** Where a segment's snapshot lives and how it is encoded, from its blob name. */
export interface SnapshotBlobName {
  blobName: string;
  name: string;
  format: SegmentFormat;
  compressed: boolean;
}

const snapshotFile = /^(.+)\.(csv|jsonl)(\.gz)?$/s;

/**
 * The folder of a tenant's snapshots. The tenant id comes from a verified token and is used
 * verbatim, but one that is not a single folder name (an issuer bug or a hostile issuer) must not
 * reach a neighbour's folder or a subfolder, so it is refused rather than trusted.
 */
export function tenantFolder(tenantId: string): string {
  if (!SegmentNameSchema.safeParse(tenantId).success) {
    throw new ForbiddenError('The token’s tenant id cannot name a segment folder.');
  }
  return `${tenantId}/`;
}

/**
 * Reads `{tenant}/{name}.csv|.jsonl[.gz]`. Anything else is not a segment: other extensions,
 * deeper paths (`{tenant}/archive/x.csv`) and names the API could not address.
 */
export function parseSnapshotBlobName(
  folder: string,
  blobName: string,
): SnapshotBlobName | undefined {
  if (!blobName.startsWith(folder)) return undefined;
  const match = snapshotFile.exec(blobName.slice(folder.length));
  const [, name, format, gz] = match ?? [];
  if (!name || (format !== 'csv' && format !== 'jsonl')) return undefined;
  if (!SegmentNameSchema.safeParse(name).success) return undefined;
  return { blobName, name, format, compressed: gz !== undefined };
}
