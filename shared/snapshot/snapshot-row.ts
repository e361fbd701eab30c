/** How a quoted CSV field can be broken: its line is unreadable, its record a guess. */
export type BrokenQuote = 'quoteInUnquotedField' | 'textAfterClosingQuote' | 'quoteNotClosed';

/** What each breakage is, in the words of an error message. */
export const brokenQuoteText: Record<BrokenQuote, string> = {
  quoteInUnquotedField: 'a quote inside a field that does not start with one',
  textAfterClosingQuote: 'text after a closing quote',
  quoteNotClosed: 'a quote that is never closed',
};

/**
 * One record of a snapshot, or one that could not be read (kept, to be reported). `line` is where
 * a person finds it: the line of a JSON line, the row number of a CSV record (the header is 1).
 * `invalidUtf8` marks a record with bytes that are not UTF-8 (read as U+FFFD). An unreadable CSV
 * record (broken quotes) has the `values` its line gave as well as they could be read, and an
 * unreadable JSON line its `text`, so that its e-mail may still be known.
 */
export type SnapshotRow =
  | { kind: 'row'; line: number; values: Record<string, unknown>; invalidUtf8?: true }
  | {
      kind: 'unreadable';
      line: number;
      reason: 'invalidJson' | 'notAnObject' | BrokenQuote;
      values?: Record<string, unknown>;
      text?: string;
    };
