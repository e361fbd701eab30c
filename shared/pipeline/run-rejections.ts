import type { ContainerClient } from '@azure/storage-blob';
import { z } from 'zod';
import { statusCodeOf } from '../clients/azure-errors';

export const RejectionSchema = z
  .object({
    email: z.string().describe('As it was in the snapshot (trimmed), or as sent to Iterable'),
    reason: z
      .string()
      .describe(
        'invalidEmail, missingEmail, unreadableRow (a broken JSON line or CSV quotes), invalidUtf8 (a mapped value with bytes that are not UTF-8), memberTooLarge (over what one request may carry), or the failedUpdates kind Iterable gave',
      ),
    line: z.number().int().optional().describe('Where the row is in the snapshot'),
  })
  .meta({ id: 'Rejection' });
export type RejectionEntry = z.infer<typeof RejectionSchema>;

const PlannerRejectionSchema = z.object({
  email: z.string(),
  reason: z.string(),
  line: z.number(),
});
const IterableFailureSchema = z.array(z.object({ email: z.string(), reason: z.string() }));

/**
 * A run's rejected rows: those the planner refused while reading the snapshot, then those
 * Iterable refused (from each batch's failure list). Members of batches that failed as a whole
 * are failures to retry, not rejections, and are left out.
 */
export async function readRejections(
  work: ContainerClient,
  tenantId: string,
  runId: string,
): Promise<RejectionEntry[]> {
  const folder = `${encodeURIComponent(tenantId)}/${runId}`;
  const found: RejectionEntry[] = [];
  try {
    const text = (
      await work.getBlobClient(`${folder}/rejections.jsonl`).downloadToBuffer()
    ).toString('utf8');
    for (const line of text.split('\n'))
      if (line) found.push(PlannerRejectionSchema.parse(JSON.parse(line)));
  } catch (error) {
    if (statusCodeOf(error) !== 404) throw error;
  }
  for await (const blob of work.listBlobsFlat({ prefix: `${folder}/failures/` })) {
    const text = (await work.getBlobClient(blob.name).downloadToBuffer()).toString('utf8');
    for (const failure of IterableFailureSchema.parse(JSON.parse(text))) {
      if (failure.reason !== 'batchFailed') found.push(failure);
    }
  }
  return found;
}
