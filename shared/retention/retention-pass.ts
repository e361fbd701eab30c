import type { TableClient } from '@azure/data-tables';
import type { ContainerClient } from '@azure/storage-blob';
import { getOrUndefined } from '../clients/azure-errors';
import type { RetentionSettings } from '../retention-settings';
import type { Erasures } from './erasures';
import { pruneRunFiles } from './run-files-retention';
import { pruneRunRows, type RetentionTally } from './run-rows-retention';
import { WorkBudget } from './work-budget';

/** Storage operations one timer invocation spends at most (a few minutes of work). */
export const retentionPassOperations = 20_000;

/** Where the passes stopped: a row of its own in the runs table. */
const positionKey = { partitionKey: '~retention', rowKey: 'position' };

interface Position {
  rowsToken?: string;
  filesToken?: string;
}

export interface RetentionReport extends RetentionTally {
  erasuresFinished: number;
  erasuresPending: number;
  /** Everything due was reached; false when the budget ran out (the next pass goes on). */
  complete: boolean;
}

export interface RetentionPassDeps {
  runs: TableClient;
  work: ContainerClient;
  erasures: Pick<Erasures, 'records' | 'continue'>;
  retention: Omit<RetentionSettings, 'timerSchedule'>;
  now?: () => Date;
  operations?: number;
}

/**
 * One bounded pass of the retention timer: first the recorded erasures (each swept again until it
 * settled), then the runs table's expired rows, then the work container's expired files. It
 * stops when its budget is spent and saves where each scan was, so the next pass goes on there;
 * a scan that reaches its end starts from the beginning next time.
 */
export async function runRetentionPass(deps: RetentionPassDeps): Promise<RetentionReport> {
  const now = (deps.now ?? (() => new Date()))();
  const budget = new WorkBudget(deps.operations ?? retentionPassOperations);
  const report: RetentionReport = {
    erasuresFinished: 0,
    erasuresPending: 0,
    runs: 0,
    claims: 0,
    blobs: 0,
    complete: false,
  };
  await finishErasures(deps.erasures, budget, report);
  const position = await readPosition(deps.runs);
  const rows = { ...(position.rowsToken ? { token: position.rowsToken } : {}) };
  const files = { ...(position.filesToken ? { token: position.filesToken } : {}) };
  try {
    report.complete =
      (await pruneRunRows(deps, deps.retention, now, rows, budget, report)) &&
      (await pruneRunFiles(deps, deps.retention, now, files, budget, report)) &&
      report.erasuresPending === 0;
  } finally {
    await deps.runs.upsertEntity(
      { ...positionKey, rowsToken: rows.token ?? '', filesToken: files.token ?? '' },
      'Replace',
    );
  }
  return report;
}

async function finishErasures(
  erasures: RetentionPassDeps['erasures'],
  budget: WorkBudget,
  report: RetentionReport,
): Promise<void> {
  let after = '';
  for (;;) {
    const { records, done, last } = await erasures.records.page(after, 100);
    for (const record of records) {
      if (budget.exhausted || !(await erasures.continue(record, budget))) {
        report.erasuresPending++;
      } else report.erasuresFinished++;
    }
    if (done || !last) return;
    after = last;
  }
}

async function readPosition(runs: TableClient): Promise<Position> {
  const row = await getOrUndefined(() =>
    runs.getEntity<{ rowsToken?: string; filesToken?: string }>(
      positionKey.partitionKey,
      positionKey.rowKey,
    ),
  );
  return {
    ...(row?.rowsToken ? { rowsToken: row.rowsToken } : {}),
    ...(row?.filesToken ? { filesToken: row.filesToken } : {}),
  };
}
