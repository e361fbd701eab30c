import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { statusCodeOf } from '../clients/azure-errors';

export interface ExportReference {
  id: string;
  displayName: string;
}

/** The tenant's exports that use a connection (rows of the exports table, one partition per tenant). */
export async function exportsUsingConnection(
  exportsTable: TableClient,
  tenantId: string,
  connectionId: string,
): Promise<ExportReference[]> {
  const found: ExportReference[] = [];
  const rows = exportsTable.listEntities<{ displayName?: string }>({
    queryOptions: {
      filter: odata`PartitionKey eq ${tenantId} and connectionId eq ${connectionId}`,
      select: ['RowKey', 'displayName'],
    },
  });
  try {
    for await (const row of rows)
      found.push({ id: row.rowKey ?? '', displayName: row.displayName ?? '' });
  } catch (error) {
    // No exports table yet means no export uses the connection.
    if (statusCodeOf(error) !== 404) throw error;
  }
  return found;
}
