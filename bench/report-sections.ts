import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** docs/benchmarks.md, from dist/bench/ or bench/ alike. */
export const benchmarksFile = path.resolve(
  __dirname,
  ...(path.basename(path.dirname(__dirname)) === 'dist' ? ['..', '..'] : ['..']),
  'docs',
  'benchmarks.md',
);

/** The benchmarks file as it is, or a bare heading when there is none yet. */
export function readBenchmarks(): string {
  return existsSync(benchmarksFile) ? readFileSync(benchmarksFile, 'utf8') : '# Benchmarks\n';
}

/**
 * The section of `report` under `heading` (a `## ` line), up to the next `## ` heading or the end,
 * without its trailing blank lines; undefined when there is none.
 */
export function sectionOf(report: string, heading: string): string | undefined {
  const at = headingAt(report, heading);
  if (at < 0) return undefined;
  const rest = report.slice(at + heading.length);
  const next = rest.search(/^## /m);
  return (heading + (next < 0 ? rest : rest.slice(0, next))).trimEnd();
}

/**
 * `report` with its section under `heading` replaced by `section` (which starts with that heading),
 * everything else as it was; a report without one gets it at the end.
 */
export function withSection(report: string, heading: string, section: string): string {
  const at = headingAt(report, heading);
  if (at < 0) return `${report.trimEnd()}\n\n${section.trimEnd()}\n`;
  const rest = report.slice(at + heading.length);
  const next = rest.search(/^## /m);
  const after = next < 0 ? '' : `\n\n${rest.slice(next).trimEnd()}`;
  return `${report.slice(0, at)}${section.trimEnd()}${after}\n`;
}

function headingAt(report: string, heading: string): number {
  if (report.startsWith(`${heading}\n`)) return 0;
  const at = report.indexOf(`\n${heading}\n`);
  return at < 0 ? -1 : at + 1;
}
