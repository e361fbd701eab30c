import { normalizeEmail } from './email-address';
import type { SnapshotRow } from './snapshot-rows';

export interface Member {
  email: string;
  dataFields: Record<string, unknown>;
}

export interface Rejection {
  /** The value as it was in the snapshot (trimmed), or empty when there was none. */
  email: string;
  reason: 'invalidEmail' | 'missingEmail' | 'unreadableRow';
  line: number;
}

export interface MemberMapping {
  emailField: string;
  /** Iterable field name → snapshot column. */
  dataFields: Record<string, string>;
}

/**
 * Turns snapshot rows into the members to export: e-mails trimmed, lower-cased and validated
 * (invalid ones become rejections) and mapped data fields. Members come in the chunks the rows
 * came in; data fields are keyed in sorted order, as their hash wants them. An address may come
 * more than once: the delta plan keeps the first (it holds every address anyway).
 */
export async function* segmentMembers(
  rows: AsyncIterable<SnapshotRow[]>,
  mapping: MemberMapping,
  onRejection: (rejection: Rejection) => void,
): AsyncGenerator<Member[]> {
  const fields = Object.entries(mapping.dataFields).sort(([a], [b]) => (a < b ? -1 : 1));
  for await (const chunk of rows) {
    const members: Member[] = [];
    for (const row of chunk) {
      if (row.kind === 'unreadable') {
        onRejection({ email: '', reason: 'unreadableRow', line: row.line });
        continue;
      }
      const raw = row.values[mapping.emailField];
      const email = normalizeEmail(raw);
      if (!email) {
        const text = typeof raw === 'string' ? raw.trim() : '';
        onRejection({
          email: text,
          reason: text ? 'invalidEmail' : 'missingEmail',
          line: row.line,
        });
        continue;
      }
      const dataFields: Record<string, unknown> = {};
      for (const [field, column] of fields) {
        const value = row.values[column];
        // An empty CSV cell means "no value", not an empty string to overwrite Iterable's with.
        if (value !== undefined && value !== '') dataFields[field] = value;
      }
      members.push({ email, dataFields });
    }
    if (members.length) yield members;
  }
}
