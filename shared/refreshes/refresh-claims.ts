import type { TableClient, TransactionAction } from '@azure/data-tables';
import { z } from 'zod';
import { statusCodeOf } from '../clients/azure-errors';
import type { Run } from '../runs/run-schemas';

/** What the first call for a refresh did with one export: the run it started or skipped. */
export interface RefreshClaim {
  runId: string;
  outcome: Run['status'];
}

const ClaimEntitySchema = z.object({ outcomeRunId: z.string(), outcome: z.string() });

// Export ids are UUIDs (hex digits), so this prefix never meets an export's own rows, nor the
// timer's `slot|` and `schedule|` rows.
const claimKey = (exportId: string, refreshedAt: string) => `refresh|${exportId}|${refreshedAt}`;

/**
 * Claims of reported refreshes, shaped as the timer's slot claims (slot-claims.ts): one row
 * `refresh|{exportId}|{refreshedAt}` per export and refresh in the runs table's tenant partition,
 * only ever created, in the same transaction as the run or skipped record it yields. A platform
 * retry of the same refresh fails on the row (409), writes nothing, and reads what the first
 * call did. No cursor: refreshes are not a sequence the service derives, they are what the
 * platform reports, and an older refresh reported late still gets its one run.
 */
export class RefreshClaims {
  constructor(private readonly table: TableClient) {}

  async get(
    tenantId: string,
    exportId: string,
    refreshedAt: string,
  ): Promise<RefreshClaim | undefined> {
    try {
      const entity = await this.table.getEntity(tenantId, claimKey(exportId, refreshedAt));
      const { outcomeRunId, outcome } = ClaimEntitySchema.parse(entity);
      return { runId: outcomeRunId, outcome: outcome as Run['status'] };
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** The action that claims the refresh for `run` (its `slot` is the refresh's time). */
  actions(tenantId: string, run: Run & { slot: string }): TransactionAction[] {
    return [
      [
        'create',
        {
          partitionKey: tenantId,
          rowKey: claimKey(run.exportId, run.slot),
          kind: 'refreshClaim',
          exportId: run.exportId,
          refreshedAt: run.slot,
          // Not `runId`: run lookups filter on that column and must find only run rows.
          outcomeRunId: run.id,
          outcome: run.status,
        },
      ],
    ];
  }
}
