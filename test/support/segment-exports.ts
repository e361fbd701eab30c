import { BlobServiceClient } from '@azure/storage-blob';
import type { TokenRequest } from '../../local/dev-issuer';
import type { AppStack } from './app-stack';

/** What `exportOnOwnKey` sets up: a segment of `members` members, named `name`. */
export interface OwnKeyExport {
  /** The caller, whose `tid` is the tenant the segment and export belong to. */
  as: TokenRequest & { tid: string };
  name: string;
  /** The connection's Iterable key (one the stand-in accepts). */
  apiKey: string;
  members: number;
  /** The connection's cap; none when left out. */
  requestsPerSecond?: number;
}

/**
 * Writes a one-column segment (`{name}{i}@example.com`) to the tenant's snapshot folder and
 * creates a connection of its own key and an export of that segment on it, through the API.
 * Answers the export's id.
 */
export async function exportOnOwnKey(stack: AppStack, options: OwnKeyExport): Promise<string> {
  const { as, name, apiKey, members, requestsPerSecond } = options;
  const lines = Array.from({ length: members }, (_, index) => `${name}${index}@example.com`);
  const csv = `email\n${lines.join('\n')}\n`;
  await BlobServiceClient.fromConnectionString(stack.storage)
    .getContainerClient('segments')
    .getBlockBlobClient(`${as.tid}/${name}.csv`)
    .upload(csv, Buffer.byteLength(csv));
  const connection = await stack.call('POST', 'connections', {
    as,
    body: {
      displayName: name,
      apiKey,
      consent: { accepted: true },
      ...(requestsPerSecond === undefined ? {} : { requestsPerSecond }),
    },
  });
  if (connection.status !== 201) throw new Error(`Connection not created: ${connection.status}`);
  const created = await stack.call('POST', 'exports', {
    as,
    body: {
      displayName: name,
      connectionId: connection.json().id,
      segments: [name],
      emailField: 'email',
    },
  });
  if (created.status !== 201) throw new Error(`Export not created: ${created.status}`);
  return String(created.json().id);
}
