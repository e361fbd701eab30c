import { bodyBytes } from '../../clients/blob-body';
import { versionedBlobFormat } from '../../schema-version';
import { batchBlobName } from '../../work-blobs';
import { EmailsSchema, SubscribersSchema, type BatchMessage } from '../pipeline-messages';
import type { PipelineDeps } from '../pipeline-deps';

/**
 * What a batch leaves in the work container besides its payload: the list of members Iterable
 * refused, read by the sender that writes it, the run's finalizer and the rejections API.
 */

/**
 * A batch's failure list (`failures/<batch>.json`): a JSON array of {email, reason}, read by the
 * run's finalizer and the rejections API. An array has no room for a field: metadata it is.
 */
export const failureListFormat = versionedBlobFormat('batch failure list (failures/*.json)');

/** The batch's e-mails, in order, read from its blob. */
export function batchEmails(message: Pick<BatchMessage, 'kind'>, body: string): string[] {
  const parsed: unknown = JSON.parse(body);
  return message.kind === 'subscribe'
    ? SubscribersSchema.parse(parsed).map((subscriber) => subscriber.email)
    : EmailsSchema.parse(parsed);
}

/** The batch's payload as the planner wrote it. */
export async function readBatchBody(
  deps: Pick<PipelineDeps, 'work'>,
  tenantId: string,
  runId: string,
  batch: number,
): Promise<string> {
  const blob = deps.work.getBlobClient(batchBlobName(tenantId, runId, batch));
  // One request: downloadToBuffer would ask for the blob's properties first, to learn its size.
  return (await bodyBytes(await blob.download())).toString('utf8');
}
