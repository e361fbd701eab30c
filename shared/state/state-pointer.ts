import { z } from 'zod';
import { versionedFormat } from '../schema-version';

/**
 * An export's `state.json`: for the run whose state is confirmed, which blob holds each
 * segment's. Committing a run is one conditional write of it.
 */
const PointerSchema = z.object({
  runId: z.string(),
  segments: z.record(z.string(), z.string()),
});
export type StatePointer = z.infer<typeof PointerSchema>;

export const pointerFormat = versionedFormat({
  name: 'exported-state pointer (state.json)',
  schema: PointerSchema,
});

/** The confirmed state of an export: which blob holds each segment's, and the pointer's etag. */
export interface CommittedState {
  pointer: StatePointer | undefined;
  etag: string | undefined;
}
