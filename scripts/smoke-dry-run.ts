import { activeStatuses } from '../shared/runs/run-schemas';
import { failureReason } from './smoke-app-checks';
import { HttpFailure, type SmokeApi } from './smoke-http';
import type { DryRunTarget } from './smoke-options';
import { fail, type CheckResult } from './smoke-report';
import { followRun, requestDryRun, type RunEnd } from './smoke-run-follow';
import { ExportSchema, RunSchema, SegmentSchema, type Run, type Segment } from './smoke-schemas';
import { withTemporaryExport, type DryRunContext } from './smoke-temporary-export';

export type { DryRunContext };

/** The segment, the export to run (existing or temporary), the dry run and any cleanup. */
export async function checkDryRun(
  context: DryRunContext,
  segmentName: string,
  target: DryRunTarget,
): Promise<void> {
  const segment = await findSegment(context, segmentName);
  if (!segment) return;
  if (target.kind === 'export') {
    if (!(await exportIncludes(context, target.exportId, segmentName))) return;
    context.report.add(await dryRun(context, target.exportId, segmentName, true));
    return;
  }
  await withTemporaryExport(context, segment, target, (exportId) =>
    dryRun(context, exportId, segmentName, false),
  );
}

async function findSegment(context: DryRunContext, name: string): Promise<Segment | undefined> {
  const { api, report } = context;
  try {
    const target = api.url(`segments/${encodeURIComponent(name)}`);
    const { value: segment } = await api.json('GET', target, [200], SegmentSchema, {
      authorized: true,
    });
    if (segment.problem) {
      report.add(fail('segment', `'${name}' cannot be used: ${segment.problem.message}`));
      return undefined;
    }
    const columns = segment.columns.join(', ');
    report.add({
      name: 'segment',
      outcome: 'passed',
      reason: `'${name}' found (${segment.format}), ${segment.columns.length} columns: ${columns}`,
    });
    return segment;
  } catch (error) {
    const notFound = error instanceof HttpFailure && error.status === 404;
    report.add(
      fail('segment', `'${name}' ${notFound ? 'not found' : 'not read'}: ${failureReason(error)}`),
    );
    return undefined;
  }
}

async function exportIncludes(
  context: DryRunContext,
  exportId: string,
  segment: string,
): Promise<boolean> {
  const { api, report } = context;
  try {
    const target = api.url(`exports/${exportId}`);
    const { value } = await api.json('GET', target, [200], ExportSchema, { authorized: true });
    const includes = value.segments.includes(segment);
    report.add(
      includes
        ? {
            name: 'export',
            outcome: 'passed',
            reason: `'${value.displayName}' (${value.id}) includes '${segment}'`,
          }
        : fail(
            'export',
            `'${value.displayName}' (${value.id}) does not include '${segment}'; its segments: ${value.segments.join(', ')}`,
          ),
    );
    return includes;
  } catch (error) {
    report.add(fail('export', `${exportId}: ${failureReason(error)}`));
    return false;
  }
}

/**
 * Requests the dry run and follows it to its end. An existing export's run still active at the
 * end (timed out, interrupted, held for confirmation) is cancelled: it would hold the export, so that its next run,
 * scheduled or requested, could not start. A temporary export's run ends with its export.
 */
async function dryRun(
  context: DryRunContext,
  exportId: string,
  segment: string,
  cancelIfActive: boolean,
): Promise<CheckResult> {
  const { api, interrupt } = context;
  const startedAt = Date.now();
  let end: RunEnd;
  try {
    const started = await requestDryRun(api, exportId);
    end = await followRun(api, started, startedAt + context.timeoutMs, interrupt);
  } catch (error) {
    return fail('dry run', failureReason(error));
  }
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  if (end.kind === 'ended' && end.run.status === 'succeeded')
    return {
      name: 'dry run',
      outcome: 'passed',
      reason: `succeeded in ${seconds} s (run ${end.run.id}): ${counts(end.run, segment)}`,
    };
  const why = {
    ended: `ended ${end.run.status}`,
    timedOut: `still ${end.run.status} after ${context.timeoutMs / 1000} s`,
    interrupted: `interrupted while ${end.run.status}`,
  }[end.kind];
  const details = [
    end.run.error ? `${end.run.error.code}: ${end.run.error.message}` : undefined,
    end.run.confirmation?.message,
    end.kind === 'timedOut' ? end.lastError : undefined,
    cancelIfActive && activeStatuses.has(end.run.status)
      ? await cancel(api, exportId, end.run)
      : undefined,
  ].filter((part) => part !== undefined);
  return fail('dry run', [`${why} (run ${end.run.id})`, ...details].join('; '));
}

async function cancel(api: SmokeApi, exportId: string, run: Run): Promise<string> {
  try {
    const target = api.url(`exports/${exportId}/runs/${run.id}/cancel`);
    await api.json('POST', target, [200], RunSchema, { authorized: true, uninterruptible: true });
    return 'the run was cancelled';
  } catch (error) {
    return `the run could not be cancelled (${failureReason(error)}); cancel it: POST /api/exports/${exportId}/runs/${run.id}/cancel`;
  }
}

function counts(run: Run, segment: string): string {
  const line = (c: Run['counts']) =>
    `total ${c.total}, added ${c.added}, updated ${c.updated}, removed ${c.removed}, unchanged ${c.unchanged}, rejected ${c.rejected}`;
  const own = run.segments.find((entry) => entry.name === segment);
  // An export of several segments runs them all; the named one is shown beside the totals.
  return run.segments.length > 1 && own
    ? `${line(run.counts)}; segment '${segment}': ${line(own.counts)}`
    : line(run.counts);
}
