import { SnapshotUnreadableError, type LineRun } from './snapshot-lines';
import { brokenQuoteText, type BrokenQuote, type SnapshotRow } from './snapshot-row';

const comma = 0x2c;
const quote = 0x22;
const lf = 0x0a;
const cr = 0x0d;

/** A quoted field still open this long is taken for a quote that was never closed. */
const maxQuotedChars = 64 * 1024 * 1024;

/** A record whose quoted field runs past the text read so far. */
interface OpenRecord {
  cells: string[];
  /** The quoted field so far, unescaped. */
  value: string;
  startLine: number;
}

/**
 * Reads CSV (RFC 4180: a header row, fields quoted with `"` and `""` inside, CRLF or LF) from runs
 * of whole lines, into keyed rows numbered as a person counts them (the header is row 1; empty
 * lines are no rows). A record whose quotes are broken is kept as an unreadable row with its
 * cells read as well as they can be, when it stays on one line: reading goes on at the next
 * line. A broken record that runs over several lines leaves the following rows in doubt (one of
 * them may be text of the broken field), so the snapshot is refused, naming the row.
 */
export class CsvRowReader {
  #header: string[] | undefined;
  /** The last column named `__proto__`, which a plain assignment would not store. */
  #protoColumn = -1;
  #row = 0;
  /** The physical line the next text starts on. */
  #line = 1;
  #open: OpenRecord | undefined;
  /** Physical lines that were not UTF-8, ascending, not yet passed. */
  #invalidUtf8: number[] = [];
  #started = false;

  /** The header's columns, once its record is read. */
  get header(): readonly string[] | undefined {
    return this.#header;
  }

  /** Where the text read next starts. */
  get line(): number {
    return this.#line;
  }

  /** Reads the records of a run into `rows`; a record still open at its end waits for the next. */
  read(run: LineRun, rows: SnapshotRow[]): void {
    let text = run.text;
    if (!this.#started) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (run.invalidUtf8) {
      for (const index of run.invalidUtf8) this.#invalidUtf8.push(this.#line + index);
    }
    let pos = 0;
    const open = this.#open;
    if (open) {
      this.#open = undefined;
      pos = this.#fields(text, 0, open.cells, open.startLine, rows, open.value);
    }
    const length = text.length;
    while (pos >= 0 && pos < length) {
      const first = text.charCodeAt(pos);
      // A line with nothing on it is no record.
      if (first === lf) {
        pos++;
        this.#line++;
      } else if (first === cr && (pos + 1 === length || text.charCodeAt(pos + 1) === lf)) {
        pos += 2;
        this.#line++;
      } else {
        pos = this.#fields(text, pos, [], this.#line, rows);
      }
    }
  }

  /** The end of the snapshot: a record still open has a quote that was never closed. */
  end(rows: SnapshotRow[]): void {
    const open = this.#open;
    if (!open) return;
    this.#open = undefined;
    // The quoted field may end with the snapshot's last newline: then it stayed on one line.
    const value = open.value.replace(/\r?\n$/, '');
    if (this.#line - open.startLine > (value === open.value ? 0 : 1)) {
      throw this.#spread(open.startLine, 'quoteNotClosed');
    }
    this.#broken(open.cells, `"${value}`, open.startLine, 'quoteNotClosed', rows);
  }

  /**
   * Reads the fields of a record from `start` to its end, and the record; `openValue` is the
   * quoted field the text goes on with, when the last text ended inside it. Returns where the
   * next record starts, or -1 when the text ends inside a quoted field.
   */
  #fields(
    text: string,
    start: number,
    cells: string[],
    startLine: number,
    rows: SnapshotRow[],
    openValue?: string,
  ): number {
    const length = text.length;
    let pos = start;
    let goingOn = openValue !== undefined;
    for (;;) {
      if (goingOn || text.charCodeAt(pos) === quote) {
        // Where the opening quote is in this text: -1 when in an earlier one.
        const fieldStart = goingOn ? -1 : pos;
        const from = goingOn ? pos : pos + 1;
        const end = this.#quoted(text, from, goingOn ? openValue! : '');
        goingOn = false;
        if (end < 0) {
          this.#line += countNewlines(text, from, length);
          if (this.#value.length > maxQuotedChars) throw this.#spread(startLine, 'quoteNotClosed');
          this.#open = { cells, value: this.#value, startLine };
          return -1;
        }
        if (this.#value.includes('\n')) this.#line += countNewlines(text, from, end);
        pos = end;
        const after = text.charCodeAt(pos);
        if (after === comma) {
          cells.push(this.#value);
          pos++;
          continue;
        }
        const lineEnd = after === lf ? 1 : after === cr && text.charCodeAt(pos + 1) === lf ? 2 : 0;
        if (!lineEnd && pos < length) {
          return this.#brokenAt(
            text,
            pos,
            fieldStart,
            cells,
            startLine,
            'textAfterClosingQuote',
            rows,
          );
        }
        cells.push(this.#value);
        this.#record(cells, startLine, rows);
        if (!lineEnd) return pos;
        this.#line++;
        return pos + lineEnd;
      }
      let end = pos;
      let code = 0;
      for (; end < length; end++) {
        code = text.charCodeAt(end);
        if (code === comma || code === lf || code === quote) break;
      }
      if (end < length && code === comma) {
        cells.push(text.slice(pos, end));
        pos = end + 1;
        continue;
      }
      if (end < length && code === quote) {
        return this.#brokenAt(text, end, pos, cells, startLine, 'quoteInUnquotedField', rows);
      }
      // The end of the line (or of the snapshot): a CR before the LF belongs to the line end.
      const stop = end > pos && text.charCodeAt(end - 1) === cr ? end - 1 : end;
      cells.push(text.slice(pos, stop));
      this.#record(cells, startLine, rows);
      if (end === length) return end;
      this.#line++;
      return end + 1;
    }
  }

  /** The quoted field read last, unescaped. */
  #value = '';

  /**
   * Reads a quoted field's content from `from` (just after its opening quote) into #value, after
   * `before`. Returns where its closing quote ends, or -1 when the text ends first.
   */
  #quoted(text: string, from: number, before: string): number {
    let value = before;
    let pos = from;
    for (;;) {
      const next = text.indexOf('"', pos);
      if (next < 0) {
        this.#value = value + text.slice(pos);
        return -1;
      }
      if (text.charCodeAt(next + 1) === quote) {
        value += text.slice(pos, next + 1);
        pos = next + 2;
        continue;
      }
      this.#value = value + text.slice(pos, next);
      return next + 1;
    }
  }

  /** A complete record: the header, or a row. */
  #record(cells: string[], startLine: number, rows: SnapshotRow[]): void {
    this.#row++;
    if (!this.#header) {
      this.#header = cells;
      this.#protoColumn = cells.lastIndexOf('__proto__');
      return;
    }
    const row: SnapshotRow = { kind: 'row', line: this.#row, values: this.#keyed(cells) };
    if (this.#invalidUtf8.length && this.#takeInvalidUtf8(startLine)) row.invalidUtf8 = true;
    rows.push(row);
  }

  /**
   * A record whose quotes break at `at`: kept, with what the rest of its line holds cut at each
   * comma, when it started on this line; otherwise the snapshot is refused.
   */
  #brokenAt(
    text: string,
    at: number,
    fieldStart: number,
    cells: string[],
    startLine: number,
    reason: BrokenQuote,
    rows: SnapshotRow[],
  ): number {
    if (this.#line !== startLine || fieldStart < 0) throw this.#spread(startLine, reason);
    const lineEnd = text.indexOf('\n', at);
    const stop = lineEnd < 0 ? text.length : lineEnd;
    const rest = text.slice(
      fieldStart,
      stop > fieldStart && text.charCodeAt(stop - 1) === cr ? stop - 1 : stop,
    );
    this.#broken(cells, rest, startLine, reason, rows);
    if (lineEnd < 0) return text.length;
    this.#line++;
    return lineEnd + 1;
  }

  #broken(
    cells: string[],
    rest: string,
    startLine: number,
    reason: BrokenQuote,
    rows: SnapshotRow[],
  ): void {
    if (!this.#header) throw this.#spread(startLine, reason);
    this.#row++;
    cells.push(...rest.split(','));
    rows.push({ kind: 'unreadable', line: this.#row, reason, values: this.#keyed(cells) });
    if (this.#invalidUtf8.length) this.#takeInvalidUtf8(startLine);
  }

  /** The snapshot refused: a broken header, or a broken record over several lines. */
  #spread(startLine: number, reason: BrokenQuote): SnapshotUnreadableError {
    const where = this.#header
      ? `row ${this.#row + 1} (from line ${startLine}), which runs over several lines so the rows after it cannot be told apart`
      : `its header row`;
    return new SnapshotUnreadableError(
      `The snapshot is not valid CSV at ${where}: ${brokenQuoteText[reason]}. No one was removed.`,
      reason,
    );
  }

  #keyed(cells: string[]): Record<string, unknown> {
    const header = this.#header!;
    const values: Record<string, unknown> = {};
    const width = Math.min(header.length, cells.length);
    for (let column = 0; column < width; column++) values[header[column]!] = cells[column];
    // Assigning `__proto__` would set the prototype (or nothing): define it as a field instead.
    if (this.#protoColumn >= 0 && this.#protoColumn < width) {
      Object.defineProperty(values, '__proto__', {
        value: cells[this.#protoColumn],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return values;
  }

  /** Whether a record from `startLine` to the current line held a line that was not UTF-8. */
  #takeInvalidUtf8(startLine: number): boolean {
    let found = false;
    while (this.#invalidUtf8.length && this.#invalidUtf8[0]! <= this.#line) {
      if (this.#invalidUtf8.shift()! >= startLine) found = true;
    }
    return found;
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at >= 0 && at < to; at = text.indexOf('\n', at + 1))
    count++;
  return count;
}
