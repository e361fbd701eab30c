import { setTimeout as sleep } from 'node:timers/promises';
import { describeAnswer } from './smoke-answers';
import { failureReason } from './smoke-app-checks';
import { HttpFailure, type SmokeApi } from './smoke-http';
import type { DryRunTarget } from './smoke-options';
import { fail, type CheckResult, type SmokeReport } from './smoke-report';
import { ExportListSchema, ExportSchema, type Segment } from './smoke-schemas';

/** What a dry run of the smoke test works with: the API, its report, its time and its stop. */
export interface DryRunContext {
  api: SmokeApi;
  report: SmokeReport;
  timeoutMs: number;
  interrupt: AbortSignal;
}

type ConnectionTarget = Extract<DryRunTarget, { kind: 'connection' }>;

/** The app's limit on an export's displayName. */
const maxDisplayNameLength = 100;

/** `smoke-test <segment> <ISO time>`: recognisable in the exports and the audit, and unique. */
export function temporaryExportName(segment: string, now: Date): string {
  const time = now.toISOString();
  const room = maxDisplayNameLength - 'smoke-test '.length - ` ${time}`.length;
  let shown = '';
  // Whole characters only: a cut surrogate pair would not be valid text.
  for (const character of segment) {
    if (shown.length + character.length > room - 1) {
      shown += '…';
      break;
    }
    shown += character;
  }
  return `smoke-test ${shown} ${time}`;
}

/**
 * Creates an export of the segment alone on the connection (schedule off, so no timer runs it;
 * addOnly, so not even a mistaken real run could remove anyone), hands it to `use`, and deletes
 * it afterwards whatever happened: a failed check, an error, or Ctrl-C.
 */
export async function withTemporaryExport(
  context: DryRunContext,
  segment: Segment,
  target: ConnectionTarget,
  use: (exportId: string) => Promise<CheckResult>,
): Promise<void> {
  const { api, report } = context;
  if (!segment.columns.includes(target.emailField)) {
    report.add(
      fail(
        'export',
        `segment '${segment.name}' has no column '${target.emailField}'; name its e-mail column with --email-field (columns: ${segment.columns.join(', ')})`,
      ),
    );
    return;
  }
  const displayName = temporaryExportName(segment.name, new Date());
  let exportId: string | undefined;
  try {
    try {
      exportId = await createExport(api, displayName, segment.name, target);
    } catch (error) {
      // A list has one owner: a segment already exported through this project is refused.
      const owned =
        error instanceof HttpFailure && error.status === 409
          ? '; an export already writes this list: dry-run it with --export <id>'
          : '';
      report.add(fail('export', `temporary export not created: ${failureReason(error)}${owned}`));
      // Without an answer the export may exist all the same: it is looked for by its name.
      if (error instanceof HttpFailure && error.transient)
        exportId = await findExport(api, displayName).catch(() => undefined);
      return;
    }
    report.add({
      name: 'export',
      outcome: 'passed',
      reason: `temporary export '${displayName}' (${exportId}) created, schedule off`,
    });
    report.add(await use(exportId));
  } finally {
    if (exportId) report.add(await deleteExport(api, exportId, displayName));
  }
}

async function createExport(
  api: SmokeApi,
  displayName: string,
  segment: string,
  target: ConnectionTarget,
): Promise<string> {
  const body = {
    displayName,
    connectionId: target.connectionId,
    segments: [segment],
    emailField: target.emailField,
    syncMode: 'addOnly',
    schedule: { mode: 'off' },
  };
  const { value } = await api.json('POST', api.url('exports'), [201], ExportSchema, {
    body,
    authorized: true,
  });
  return value.id;
}

async function findExport(api: SmokeApi, displayName: string): Promise<string | undefined> {
  const { value } = await api.json('GET', api.url('exports'), [200], ExportListSchema, {
    authorized: true,
    uninterruptible: true,
  });
  return value.value.find((candidate) => candidate.displayName === displayName)?.id;
}

/** Tried three times: a temporary export left behind is what ops would have to clean up. */
async function deleteExport(
  api: SmokeApi,
  exportId: string,
  displayName: string,
): Promise<CheckResult> {
  const name = 'cleanup';
  let reason = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const answer = await api.send('DELETE', api.url(`exports/${exportId}`), {
        authorized: true,
        uninterruptible: true,
      });
      if (answer.status === 204)
        return { name, outcome: 'passed', reason: `temporary export ${exportId} deleted` };
      if (answer.status === 404)
        return { name, outcome: 'passed', reason: `temporary export ${exportId} already gone` };
      const failure = new HttpFailure(describeAnswer(answer), answer.status);
      reason = failureReason(failure);
      if (!failure.transient) break;
    } catch (error) {
      reason = failureReason(error);
    }
    if (attempt < 3) await sleep(2000);
  }
  return fail(
    name,
    `temporary export '${displayName}' (${exportId}) was not deleted (${reason}); delete it: DELETE /api/exports/${exportId}`,
  );
}
