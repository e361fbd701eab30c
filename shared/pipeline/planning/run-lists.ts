import type { ExportRecord } from '../../exports/export-store';
import type { StoredRun } from '../../runs/run-store';
import { resolveExportLists, type ExportLists, type ResolvedList } from '../../state/export-lists';
import type { PipelineDeps } from '../pipeline-deps';

/** The list each segment of a run is written to, and the export's record of its lists. */
export interface RunLists {
  lists: Map<string, ResolvedList>;
  /** The export's stored lists, updated as segments are planned and saved once they all are. */
  stored: ExportLists;
}

/**
 * Reads the connection's key and resolves (and claims) one Iterable list per segment, before
 * anything is written. Refused (409) when the connection was disabled or deleted after the run
 * was queued.
 */
export async function resolveRunLists(
  deps: PipelineDeps,
  ids: { tenantId: string; exportId: string },
  run: Pick<StoredRun, 'dryRun'>,
  exportRecord: Pick<ExportRecord, 'connectionId'>,
  segmentNames: string[],
): Promise<RunLists> {
  const { tenantId, exportId } = ids;
  const { connection, apiKey } = await deps.connections.apiKey(
    tenantId,
    exportRecord.connectionId,
    { forRun: true },
  );
  const iterable = deps.iterable(connection, apiKey);
  const stored = await deps.lists.load(tenantId, exportId);
  const lists = await resolveExportLists({
    ownership: deps.listOwnership,
    owner: { tenantId, exportId },
    apiKey,
    api: iterable,
    segments: segmentNames,
    stored,
    dryRun: run.dryRun,
  });
  return { lists, stored };
}
