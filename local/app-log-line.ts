/**
 * One of the app's JSON log lines in what a Functions host prints, or undefined for any other
 * line. A line written within an invocation goes through its context's log, and the host (the
 * local one as Core Tools) prints it after the time in brackets; one written outside any
 * invocation is the worker's plain console output.
 */
export function appLogLine(raw: string): Record<string, unknown> | undefined {
  const text = raw.replace(/^\[[^\]]*\] /, '');
  if (!text.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
