import { maxMemberBytes } from '../clients/iterable/batch-limits';
import { normalizeEmail } from './email-address';
import { ownString } from './own-string';
import type { SnapshotEvidence } from './snapshot-evidence';
import type { SnapshotRow } from './snapshot-row';

export interface Member {
  email: string;
  dataFields: Record<string, unknown>;
  /**
   * The row was refused (and reported as a rejection) but its address is known: nothing is sent
   * for it, and what was exported for the address before stays as it is, so a refused row never
   * reads as a member who left the segment.
   */
  refused?: true;
}

export interface Rejection {
  /** The value as it was in the snapshot (trimmed), or empty when there was none. */
  email: string;
  reason: 'invalidEmail' | 'missingEmail' | 'unreadableRow' | 'invalidUtf8' | 'memberTooLarge';
  line: number;
}

export interface MemberMapping {
  emailField: string;
  /** Iterable field name → snapshot column. */
  dataFields: Record<string, string>;
}

interface FieldMapping {
  field: string;
  column: string;
  /** The column is named like a member of Object.prototype: only the row's own value counts. */
  inherited: boolean;
  /** The field is `__proto__`, which an assignment would take for the prototype. */
  proto: boolean;
}

/** What a member's JSON may take beyond six bytes a character of its string values. */
const baseBytes = 512;

/**
 * Turns snapshot rows into the members to export: e-mails trimmed, lower-cased and validated
 * (invalid ones become rejections) and mapped data fields. Members come in the chunks the rows
 * came in; data fields are keyed in sorted order, as their hash wants them. An address may come
 * more than once: the delta plan keeps the first (it holds every address anyway). A row whose
 * address is valid but which cannot be sent (bytes that are not UTF-8 in a mapped field, a member
 * too large for a request, broken CSV quotes, a broken JSON line that still names it) is a
 * rejection and comes as a `refused` member.
 */
export async function* segmentMembers(
  rows: AsyncIterable<SnapshotRow[]>,
  mapping: MemberMapping,
  onRejection: (rejection: Rejection) => void,
  /** Counts what tells a damaged snapshot from a segment that shrank (see snapshot-evidence). */
  evidence?: SnapshotEvidence,
): AsyncGenerator<Member[]> {
  const fields: FieldMapping[] = Object.entries(mapping.dataFields)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([field, column]) => ({
      field,
      column,
      inherited: column in Object.prototype,
      proto: field === '__proto__',
    }));
  const emailColumn = mapping.emailField;
  const emailInherited = emailColumn in Object.prototype;
  const fieldBytes = fields.reduce((sum, { field }) => sum + 6 * field.length + 32, baseBytes);
  const emailInLine = emailInBrokenLine(emailColumn);
  for await (const chunk of rows) {
    const members: Member[] = [];
    for (const row of chunk) {
      if (row.kind === 'unreadable') {
        const member = unreadable(row, mapping, emailInherited, emailInLine, onRejection);
        evidence?.unreadable(row.line, member !== undefined);
        if (member) members.push(member);
        continue;
      }
      const values = row.values;
      const raw =
        emailInherited && !Object.hasOwn(values, emailColumn) ? undefined : values[emailColumn];
      const email = normalizeEmail(raw);
      evidence?.row(
        row.line,
        email ? 'usable' : Object.hasOwn(values, emailColumn) ? 'unusable' : 'keyMissing',
      );
      if (!email) {
        // Kept until the run ends: a copy, not a view pinning the snapshot text it came from.
        const text = typeof raw === 'string' ? ownString(raw.trim()) : '';
        onRejection({
          email: text,
          reason: text ? 'invalidEmail' : 'missingEmail',
          line: row.line,
        });
        continue;
      }
      const dataFields: Record<string, unknown> = {};
      let bytes = fieldBytes;
      let nested = false;
      for (const { field, column, inherited, proto } of fields) {
        const value = inherited && !Object.hasOwn(values, column) ? undefined : values[column];
        // An empty CSV cell means "no value", not an empty string to overwrite Iterable's with.
        if (value === undefined || value === '') continue;
        if (proto) Object.defineProperty(dataFields, field, ownField(value));
        else dataFields[field] = value;
        if (typeof value === 'string') bytes += 6 * value.length;
        else if (typeof value === 'object') nested = true;
      }
      const refusal =
        row.invalidUtf8 && holdsReplacement(dataFields)
          ? 'invalidUtf8'
          : (nested || bytes > maxMemberBytes) && tooLarge(email, dataFields)
            ? 'memberTooLarge'
            : undefined;
      if (refusal) {
        onRejection({ email: ownString((raw as string).trim()), reason: refusal, line: row.line });
        members.push({ email, dataFields: {}, refused: true });
        continue;
      }
      members.push({ email, dataFields });
    }
    if (members.length) yield members;
  }
}

/**
 * A record that could not be read is a rejection. A CSV record with broken quotes whose e-mail
 * its cells still give, or a broken JSON line whose text still holds it, is a refused member (its
 * address is known); one whose e-mail cannot be read may be someone exported before, so the
 * planner, told of it through the evidence, removes no one from that list.
 */
function unreadable(
  row: Extract<SnapshotRow, { kind: 'unreadable' }>,
  mapping: MemberMapping,
  emailInherited: boolean,
  emailInLine: (text: string) => string | undefined,
  onRejection: (rejection: Rejection) => void,
): Member | undefined {
  const { values, text } = row;
  const raw =
    text !== undefined
      ? emailInLine(text)
      : !values || (emailInherited && !Object.hasOwn(values, mapping.emailField))
        ? undefined
        : values[mapping.emailField];
  const email = normalizeEmail(raw);
  if (email) {
    onRejection({
      email: ownString((raw as string).trim()),
      reason: 'unreadableRow',
      line: row.line,
    });
    return { email, dataFields: {}, refused: true };
  }
  onRejection({ email: '', reason: 'unreadableRow', line: row.line });
  return undefined;
}

/**
 * Finds the e-mail field in the text of a line that is not a JSON object: a member `"<field>":
 * "<string>"` where a key may stand (at the start, or after `{` or `,`), its string decoded as
 * JSON. A line holding the field more than once with different values (a nested object may have
 * one too) cannot tell which is the member's: it gives none. The pattern is built at the first
 * broken line, so well-formed snapshots never pay for it.
 */
function emailInBrokenLine(field: string): (text: string) => string | undefined {
  let pattern: RegExp | undefined;
  return (text) => {
    pattern ??= new RegExp(
      String.raw`(?:^|[{,])\s*${escapeRegExp(JSON.stringify(field))}\s*:\s*(${jsonString})`,
      'g',
    );
    let found: string | undefined;
    for (const match of text.matchAll(pattern)) {
      const value = JSON.parse(match[1]!) as string;
      const email = normalizeEmail(value);
      if (!email || (found !== undefined && email !== normalizeEmail(found))) return undefined;
      found ??= value;
    }
    return found;
  };
}

/** A JSON string literal, quotes included: what JSON.parse reads as a string, and only that. */
const jsonString = String.raw`"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"`;

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

function ownField(value: unknown): PropertyDescriptor {
  return { value, enumerable: true, writable: true, configurable: true };
}

/** Whether a value holds U+FFFD, which is what bytes that are not UTF-8 were read as. */
function holdsReplacement(dataFields: Record<string, unknown>): boolean {
  return Object.values(dataFields).some((value) =>
    (typeof value === 'string' ? value : JSON.stringify(value)).includes('\ufffd'),
  );
}

/** Whether the member, as the batch writer will write it, is larger than a request may be. */
function tooLarge(email: string, dataFields: Record<string, unknown>): boolean {
  return Buffer.byteLength(JSON.stringify({ email, dataFields })) > maxMemberBytes;
}
