import type { TableClient, TransactionAction } from '@azure/data-tables';
import { LimitReachedError } from '../fair-use/limit-reached-error';
import { ActiveRunSeats, type ActiveRunLimits } from './active-run-seats';
import type { Run } from './run-schemas';
import type { RunStore } from './run-store';

/** `conflict`: the transaction wrote nothing (the export holds a run, or a seat was just taken). */
export type StartOutcome = 'started' | 'conflict' | LimitReachedError;

/**
 * The one way a run starts, requested or scheduled: pick a free seat of the tenant and of the
 * connection, then write the run, its marker, its seats and anything `alongside` in one
 * transaction. A limit reached is returned, not thrown: a request answers it 429, the refresh
 * timer leaves the slot due.
 */
export class RunStarter {
  constructor(
    private readonly store: RunStore,
    private readonly seats: ActiveRunSeats,
  ) {}

  async tryStart(
    tenantId: string,
    run: Run,
    connectionId: string,
    alongside: TransactionAction[] = [],
  ): Promise<StartOutcome> {
    const pick = await this.seats.pick(tenantId, connectionId, run);
    if (pick.kind === 'full') return new LimitReachedError(pick.limit, pick.value);
    return (await this.store.start(tenantId, run, alongside, pick.claim)) ? 'started' : 'conflict';
  }
}

/** The starter over one runs table, with the limits its seats are counted against. */
export function createRunStarter(
  store: RunStore,
  runsTable: TableClient,
  limits: ActiveRunLimits,
): RunStarter {
  const seats = new ActiveRunSeats(runsTable, limits, (tenantId, exportId) =>
    store.activeRunId(tenantId, exportId),
  );
  return new RunStarter(store, seats);
}
