import type { TableClient } from '@azure/data-tables';
import type { ExportStore } from '../exports/export-store';
import { IterableProjects } from './iterable-projects';
import { ListClaims } from './list-claims';

/** The project identities and list claims, over the listowners table; owners read from exports. */
export function createListOwnership(
  table: TableClient,
  exports: Pick<ExportStore, 'get'>,
  log: { warn(message: string): void },
): { projects: IterableProjects; claims: ListClaims } {
  return {
    projects: new IterableProjects(table, log),
    claims: new ListClaims(table, async (tenantId, exportId) => {
      const record = await exports.get(tenantId, exportId);
      return record && { displayName: record.displayName, segments: record.segments };
    }),
  };
}
