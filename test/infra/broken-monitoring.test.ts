import { checkAlerts } from './support/check-alerts';
import { checkRedeployable } from './support/check-redeploy';
import { checkWorkbook } from './support/check-workbook';
import { brokenCopy, type Edit } from './support/infra-folder';
import type { Templates } from './support/templates';

/** Runs checks on a broken copy of infra/ and removes the copy afterwards. */
async function problemsOf(edits: Edit[], check: (templates: Templates) => string[]) {
  const copy = await brokenCopy(edits);
  try {
    return { syntax: copy.templates.syntax, problems: check(copy.templates) };
  } finally {
    copy.remove();
  }
}

/** An edit that takes one query item, by its name, out of the workbook JSON. */
function withoutPanel(name: string): Edit {
  return {
    file: 'app/workbook.json',
    find: new RegExp(
      `\\n    \\{\\n      "type": 3,(?:(?!\\n    \\},?\\n)[\\s\\S])*?\\n      "name": "${name}"\\n    \\},`,
    ),
    replace: '',
  };
}

describe('a broken copy of the alert rules fails the checks', () => {
  it.each([
    [
      'failedRunRule',
      "no alert rule for a failed run: a query on 'Run finished', 'Run planning failed repeatedly; the run fails'",
    ],
    [
      'poisonMessageRule',
      "no alert rule for a message in a poison queue: a query on 'Run planning failed repeatedly; the run fails', 'Batch failed repeatedly; its members count as failed'",
    ],
    [
      'heldRunRule',
      "no alert rule for removals held by the mass-removal guard or for a damaged snapshot: a query on 'Run held for confirmation', 'Run removals held'",
    ],
    ['throttledRule', "no alert rule for a sustained 429 rate: a query on 'Iterable request'"],
  ])('reports the alert when %s is taken out of the rules', async (rule, problem) => {
    const { syntax, problems } = await problemsOf(
      [{ file: 'app/alerts.bicep', find: `\n  ${rule}\n`, replace: '\n' }],
      checkAlerts,
    );
    expect(syntax).toEqual([]);
    expect(problems).toEqual([problem]);
  });

  it('reports a query on a message the app does not log', async () => {
    const { problems } = await problemsOf(
      [
        {
          file: 'app/alerts.bicep',
          find: "| where event in ('Run held for confirmation', 'Run removals held')",
          replace: "| where event in ('Run held', 'Run removals held')",
        },
      ],
      checkAlerts,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        "app/alerts.bicep Export run removals held: 'Run held' is not a message the app logs",
        "no alert rule for removals held by the mass-removal guard or for a damaged snapshot: a query on 'Run held for confirmation', 'Run removals held'",
      ]),
    );
  });

  it('reports a 429 alert that fires on a single period', async () => {
    const { problems } = await problemsOf(
      [
        {
          file: 'app/alerts.bicep',
          find: 'failingPeriods: { numberOfEvaluationPeriods: 3, minFailingPeriodsToAlert: 3 }',
          replace: 'failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }',
        },
      ],
      checkAlerts,
    );
    expect(problems).toEqual([
      'app/alerts.bicep Iterable throttling (429) sustained: a sustained 429 rate must fail several periods in a row to fire',
    ]);
  });

  it('reports a dimension the query does not output', async () => {
    const { problems } = await problemsOf(
      [
        {
          file: 'app/alerts.bicep',
          find: '| project timestamp, itemCount, queue',
          replace: '| project timestamp, itemCount',
        },
      ],
      checkAlerts,
    );
    expect(problems).toEqual([
      "app/alerts.bicep Message in a poison queue: the query's last line does not output queue",
    ]);
  });

  it('reports rules that do not notify the action group', async () => {
    const { problems } = await problemsOf(
      [
        {
          file: 'app/alerts.bicep',
          find: 'actionGroups: empty(alertEmail) ? [] : [actionGroup.id]',
          replace: 'actionGroups: []',
        },
      ],
      checkAlerts,
    );
    expect(problems).toHaveLength(5);
    expect(problems).toContain(
      'app/alerts.bicep Export run failed: does not notify actionGroup when alertEmail is given',
    );
  });

  it('reports alert rules main.bicep no longer deploys', async () => {
    const { syntax, problems } = await problemsOf(
      [{ file: 'main.bicep', find: /^module alerts '[^']+' = \{[\s\S]*?\n\}\n/m, replace: '' }],
      checkAlerts,
    );
    expect(syntax).toEqual([]);
    expect(problems).toEqual([
      'main.bicep does not deploy app/alerts.bicep, which holds the alert rules',
    ]);
  });
});

describe('a broken copy of the workbook fails the checks', () => {
  it('reports a template without the workbook', async () => {
    const { syntax, problems } = await problemsOf(
      [{ file: 'app/workbook.bicep', find: /^resource workbook [\s\S]*?\n\}\n/m, replace: '' }],
      checkWorkbook,
    );
    expect(syntax).toEqual([]);
    expect(problems).toEqual(['expected one workbook, found 0']);
  });

  it('reports a workbook main.bicep no longer deploys', async () => {
    const { problems } = await problemsOf(
      [{ file: 'main.bicep', find: /^module workbook '[^']+' = \{[\s\S]*?\n\}\n/m, replace: '' }],
      checkWorkbook,
    );
    expect(problems).toEqual([
      'main.bicep does not deploy app/workbook.bicep, which holds the workbook',
    ]);
  });

  it.each([
    ['runs-per-export', 'runs'],
    ['durations-per-export', 'durations'],
    ['throughput-per-export', 'throughput'],
    ['failures-per-export', 'failures'],
  ])('reports the workbook without its %s panel', async (panel, shows) => {
    const { problems } = await problemsOf([withoutPanel(panel)], checkWorkbook);
    expect(problems).toEqual([`the workbook shows no ${shows} per tenant and export`]);
  });

  it('reports a workbook name that changes on every deployment', async () => {
    const edit = {
      file: 'app/workbook.bicep',
      find: "name: guid(applicationInsights.id, 'iterable-segment-export-operations')",
      replace: 'name: newGuid()',
    };
    expect((await problemsOf([edit], checkWorkbook)).problems).toEqual([
      'app/workbook.bicep workbook: name must be guid() of stable inputs',
    ]);
    expect((await problemsOf([edit], checkRedeployable)).problems).toEqual([
      expect.stringMatching(/^app\/workbook\.bicep:\d+ calls newGuid\(\)/),
    ]);
  });

  it('reports a query parameter the workbook does not declare', async () => {
    const { problems } = await problemsOf(
      [{ file: 'app/workbook.json', find: '"name": "Export",', replace: '"name": "ExportId",' }],
      checkWorkbook,
    );
    expect(problems).toContain(
      'app/workbook.json runs-per-export: uses {Export}, which no parameter declares',
    );
  });

  it('reports a placeholder serializedData leaves in the JSON', async () => {
    const { problems } = await problemsOf(
      [
        {
          file: 'app/workbook.bicep',
          find: /replace\(loadTextContent\('workbook\.json'\), [^)]*\)/,
          replace: "loadTextContent('workbook.json')",
        },
      ],
      checkWorkbook,
    );
    expect(problems).toEqual([
      'app/workbook.bicep workbook: serializedData leaves __APPLICATION_INSIGHTS_ID__ in app/workbook.json',
    ]);
  });

  it('reports a workbook query on a message the app does not log', async () => {
    const { problems } = await problemsOf(
      [
        {
          file: 'app/workbook.json',
          find: "event == 'Batch done'",
          replace: "event == 'Batch sent'",
        },
      ],
      checkWorkbook,
    );
    expect(problems).toEqual([
      "app/workbook.json throughput-over-time: 'Batch sent' is not a message the app logs",
    ]);
  });
});
