import { readFileSync } from 'node:fs';
import path from 'node:path';
import { alertRules } from './support/check-alerts';
import { workbookQueries, workbooks } from './support/check-workbook';
import { repoRoot } from './support/code-contract';
import { repositoryTemplates } from './support/infra-folder';

/** The Kusto blocks of docs/operations.md, as written. */
function documentedQueries(): string[] {
  const text = readFileSync(path.join(repoRoot, 'docs', 'operations.md'), 'utf8');
  return [...text.matchAll(/^```kusto\n([\s\S]*?)\n```$/gm)].map((match) => match[1] ?? '');
}

describe('docs/operations.md (against the alert rules and the workbook)', () => {
  it('shows the query of every alert rule, as deployed', async () => {
    const rules = alertRules(await repositoryTemplates());
    expect(rules).toHaveLength(5);
    for (const rule of rules) expect(documentedQueries()).toContain(rule.query);
  });

  it('shows the query behind every panel of the workbook, as deployed', async () => {
    const [workbook] = workbooks(await repositoryTemplates());
    const queries = workbookQueries(workbook!);
    expect(queries.length).toBeGreaterThan(0);
    for (const { query } of queries) expect(documentedQueries()).toContain(query);
  });
});
