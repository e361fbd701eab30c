import type { ContainerClient } from '@azure/storage-blob';
import type { SpillPlace } from '../../state/spill-blobs';
import { planSpillBlobName } from '../../work-blobs';

/** Where a run's segment (by its place in the export's segments) spills, in the work container. */
export function spillPlaces(
  work: ContainerClient,
  ids: { tenantId: string; runId: string },
  index: number,
): { members: SpillPlace; state: SpillPlace } {
  const place = (kind: 'members' | 'state'): SpillPlace => ({
    container: work,
    blobName: (partition) => planSpillBlobName(ids.tenantId, ids.runId, index, kind, partition),
  });
  return { members: place('members'), state: place('state') };
}
