import type { Principal } from '../http/auth';
import { ValidationError, type ErrorDetail } from '../errors';
import { quoteForMessage } from '../quote-for-message';
import type { Segment } from '../segments/segment-catalog';
import type { Export } from './export-schemas';

export interface ExportReferences {
  /** Resolves when the connection exists and the principal may use it. */
  connectionUsable(principal: Principal, connectionId: string): Promise<boolean>;
  segment(tenantId: string, name: string): Promise<Segment | undefined>;
}

/**
 * The checks an export must pass before it is saved: its connection exists and the caller may use
 * it, every segment exists, and the e-mail field and every mapped column are in every segment.
 * All problems are reported at once, each naming its field, segment and column.
 */
export async function validateExport(
  principal: Principal,
  exportConfig: Pick<Export, 'connectionId' | 'segments' | 'emailField' | 'dataFields'>,
  references: ExportReferences,
): Promise<void> {
  const details: ErrorDetail[] = [];
  if (!(await references.connectionUsable(principal, exportConfig.connectionId))) {
    details.push({
      code: 'ConnectionNotFound',
      target: 'connectionId',
      message: `Connection '${exportConfig.connectionId}' does not exist or you may not use it.`,
    });
  }
  const segments = await Promise.all(
    exportConfig.segments.map((name) => references.segment(principal.tenantId, name)),
  );
  segments.forEach((segment, index) => {
    const name = exportConfig.segments[index] ?? '';
    if (!segment) {
      details.push({
        code: 'SegmentNotFound',
        target: `segments[${index}]`,
        message: `Segment ${quoteForMessage(name)} was not found.`,
      });
      return;
    }
    if (segment.problem) {
      details.push({
        code: 'SegmentUnreadable',
        target: `segments[${index}]`,
        message: `Segment ${quoteForMessage(name)} cannot be used: ${segment.problem.message}`,
      });
      return;
    }
    const columns = new Set(segment.columns);
    if (!columns.has(exportConfig.emailField)) {
      details.push(missingColumn('emailField', name, exportConfig.emailField));
    }
    for (const [field, column] of Object.entries(exportConfig.dataFields)) {
      if (!columns.has(column)) details.push(missingColumn(`dataFields.${field}`, name, column));
    }
  });
  const first = details[0];
  if (first) {
    throw new ValidationError(details.length === 1 ? first.message : 'The export is not valid.', {
      target: first.target,
      details,
    });
  }
}

function missingColumn(target: string, segment: string, column: string): ErrorDetail {
  return {
    code: 'ColumnNotFound',
    target,
    message: `Segment ${quoteForMessage(segment)} has no column ${quoteForMessage(column)}.`,
  };
}
