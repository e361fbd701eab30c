import { randomInt } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { z } from 'zod';
import type { FairUseLimits } from '../settings';

export type ActiveRunLimits = Pick<
  FairUseLimits,
  'activeRunsPerTenant' | 'activeRunsPerConnection'
>;

/** The seats a run would take, written in the transaction that starts it. */
export interface SeatClaim {
  keys: string[];
  actions: TransactionAction[];
}

export type SeatPick =
  | { kind: 'seats'; claim: SeatClaim }
  | { kind: 'full'; limit: keyof ActiveRunLimits; value: number };

/** A run holds its export exactly while the export's active-run marker names it. */
export type MarkerRunId = (tenantId: string, exportId: string) => Promise<string | undefined>;

const SeatEntitySchema = z.object({
  rowKey: z.string(),
  holderExportId: z.string(),
  holderRunId: z.string(),
  etag: z.string(),
});
type Seat = z.infer<typeof SeatEntitySchema>;

interface Scope {
  prefix: string;
  limit: keyof ActiveRunLimits;
  value: number;
}

// '|' then digits: `~` sorts after every seat of a scope, and no run row starts with "seat|".
const seatKey = (scope: Scope, index: number) => `${scope.prefix}${String(index).padStart(4, '0')}`;

/**
 * Active-run seats: numbered rows `seat|tenant|{n}` and `seat|connection|{id}|{n}`, n below the
 * limit, in the tenant's partition of the runs table. A run takes one seat of each scope in the
 * transaction that creates its run row and active-run marker, and gives them back in the one that
 * ends it (the marker lists them). A seat is only ever created, so two requests on any instances
 * can never take the same one: the loser's transaction writes nothing and it picks again, or
 * finds every seat taken. Reading the seats is one range query per scope, at most a limit's rows.
 *
 * A seat whose run no longer holds its export's marker is stale (the run was ended by a release
 * that did not know seats); when a scope is full, such a seat is taken over on its ETag.
 */
export class ActiveRunSeats {
  constructor(
    private readonly table: TableClient,
    private readonly limits: ActiveRunLimits,
    private readonly markerRunId: MarkerRunId,
  ) {}

  async pick(
    tenantId: string,
    connectionId: string,
    run: { id: string; exportId: string },
  ): Promise<SeatPick> {
    const scopes: Scope[] = [
      {
        prefix: 'seat|tenant|',
        limit: 'activeRunsPerTenant',
        value: this.limits.activeRunsPerTenant,
      },
      {
        prefix: `seat|connection|${connectionId}|`,
        limit: 'activeRunsPerConnection',
        value: this.limits.activeRunsPerConnection,
      },
    ];
    const picks = await Promise.all(scopes.map((scope) => this.#pickIn(tenantId, scope, run)));
    const claim: SeatClaim = { keys: [], actions: [] };
    for (const [index, pick] of picks.entries()) {
      const scope = scopes[index]!;
      if (!pick) return { kind: 'full', limit: scope.limit, value: scope.value };
      claim.keys.push(pick.key);
      claim.actions.push(pick.action);
    }
    return { kind: 'seats', claim };
  }

  async #pickIn(
    tenantId: string,
    scope: Scope,
    run: { id: string; exportId: string },
  ): Promise<{ key: string; action: TransactionAction } | undefined> {
    const seats = await this.#seats(tenantId, scope.prefix);
    const entity = (rowKey: string) => ({
      partitionKey: tenantId,
      rowKey,
      kind: 'seat',
      holderExportId: run.exportId,
      holderRunId: run.id,
    });
    if (seats.length < scope.value) {
      const taken = new Set(seats.map((seat) => seat.rowKey));
      const free = Array.from({ length: scope.value }, (_, index) => seatKey(scope, index)).filter(
        (key) => !taken.has(key),
      );
      // A random free seat: concurrent requests rarely pick the same one and retry.
      const key = free[randomInt(free.length)];
      if (key) return { key, action: ['create', entity(key)] };
    }
    const stale = await this.#stale(tenantId, seats);
    if (!stale) return undefined;
    return {
      key: stale.rowKey,
      action: ['update', entity(stale.rowKey), 'Replace', { etag: stale.etag }],
    };
  }

  async #seats(tenantId: string, prefix: string): Promise<Seat[]> {
    const seats: Seat[] = [];
    const rows = this.table.listEntities({
      queryOptions: {
        filter: odata`PartitionKey eq ${tenantId} and RowKey gt ${prefix} and RowKey lt ${`${prefix}~`}`,
      },
    });
    for await (const row of rows) seats.push(SeatEntitySchema.parse(row));
    return seats;
  }

  async #stale(tenantId: string, seats: Seat[]): Promise<Seat | undefined> {
    for (const seat of seats) {
      if ((await this.markerRunId(tenantId, seat.holderExportId)) !== seat.holderRunId) return seat;
    }
    return undefined;
  }
}
