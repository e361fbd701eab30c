import { checkWorkbook, workbookQueries, workbooks } from './support/check-workbook';
import { repositoryTemplates } from './support/infra-folder';

describe('workbook (infra/app/workbook.bicep and workbook.json against the log lines)', () => {
  it('shows runs, durations, throughput and failures per tenant and export, from main.bicep', async () => {
    expect(checkWorkbook(await repositoryTemplates())).toEqual([]);
  });

  it('loads its JSON from infra/app/workbook.json, a Notebook/1.0 workbook', async () => {
    const [workbook] = workbooks(await repositoryTemplates());
    expect(workbook?.dataFile).toBe('app/workbook.json');
    expect(workbook?.data?.version).toBe('Notebook/1.0');
  });

  it('filters every query by the Tenant and Export parameters', async () => {
    const [workbook] = workbooks(await repositoryTemplates());
    const queries = workbookQueries(workbook!);
    expect(queries.length).toBeGreaterThanOrEqual(8);
    for (const { query } of queries) {
      expect(query).toContain("'{Tenant}'");
      expect(query).toContain("'{Export}'");
    }
  });
});
