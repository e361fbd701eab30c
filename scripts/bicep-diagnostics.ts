/**
 * The diagnostics the Bicep CLI writes, one a line:
 * `<file>(<line>,<column>) : <Error|Warning|Info> <code>: <message> [<link>]`.
 * The same lines come from `bicep` and `az bicep`; az adds lines of its own (an upgrade notice),
 * which are kept as `other` so the report still shows them.
 */

export type Level = 'Error' | 'Warning' | 'Info';

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  level: Level;
  code: string;
  message: string;
}

const diagnosticLine =
  /^(?<file>.+?)\((?<line>\d+),(?<column>\d+)\)\s*:\s*(?<level>Error|Warning|Info)\s+(?<code>[\w-]+):\s*(?<message>.*)$/;

export function parseDiagnostics(output: string): { diagnostics: Diagnostic[]; other: string[] } {
  const diagnostics: Diagnostic[] = [];
  const other: string[] = [];
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const groups = diagnosticLine.exec(line.trim())?.groups;
    if (!groups) {
      other.push(line);
      continue;
    }
    diagnostics.push({
      file: groups.file ?? '',
      line: Number(groups.line),
      column: Number(groups.column),
      level: groups.level as Level,
      code: groups.code ?? '',
      message: groups.message ?? '',
    });
  }
  return { diagnostics, other };
}

/** Errors and warnings fail the check; Info lines are reported only. */
export function failing(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((diagnostic) => diagnostic.level !== 'Info');
}

export function formatDiagnostic(diagnostic: Diagnostic, relativeTo: string): string {
  const file = diagnostic.file.startsWith(relativeTo)
    ? diagnostic.file.slice(relativeTo.length).replace(/^[/\\]/, '')
    : diagnostic.file;
  return `${file}:${diagnostic.line}:${diagnostic.column} ${diagnostic.level} ${diagnostic.code}: ${diagnostic.message}`;
}
