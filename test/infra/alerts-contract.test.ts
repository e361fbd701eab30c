import { alertRules, checkAlerts, requiredAlerts, ruleFor } from './support/check-alerts';
import { repositoryTemplates } from './support/infra-folder';
import { lineFields, loggedByCode, queryNames } from './support/log-contract';

describe('alert rules (infra/app/alerts.bicep against the log lines the code writes)', () => {
  it('alerts on a failed run, a poison message, a held run and sustained 429s, from main.bicep', async () => {
    expect(checkAlerts(await repositoryTemplates())).toEqual([]);
  });

  it.each(requiredAlerts.map((required) => [required.alert, required] as const))(
    'has a rule for %s whose query compares the message with what the code logs',
    async (_alert, required) => {
      const rule = ruleFor(alertRules(await repositoryTemplates()), required);
      expect(rule).toBeDefined();
      for (const event of required.events) expect(loggedByCode().messages).toContain(event);
      expect(queryNames(rule?.query ?? '').events).toEqual(expect.arrayContaining(required.events));
    },
  );

  it('sees a 429 rate as sustained only when three 5-minute periods in a row exceed it', async () => {
    const rules = alertRules(await repositoryTemplates());
    const throttled = ruleFor(rules, requiredAlerts[3]!);
    expect(throttled).toMatchObject({
      windowSize: 'PT5M',
      failingPeriods: { numberOfEvaluationPeriods: 3, minFailingPeriodsToAlert: 3 },
      timeAggregation: 'Average',
      metricMeasureColumn: 'throttledPercent',
    });
  });

  it('counts events by itemCount, so sampled lines still add up', async () => {
    const events = alertRules(await repositoryTemplates()).filter(
      (rule) => rule.timeAggregation !== 'Average',
    );
    expect(events).toHaveLength(4);
    for (const rule of events) {
      expect(rule).toMatchObject({ timeAggregation: 'Total', metricMeasureColumn: 'itemCount' });
    }
  });

  it('reads the names the code logs: messages, functions and the context fields', () => {
    const code = loggedByCode();
    expect(code.messages).toEqual(
      expect.arrayContaining(['Run finished', 'Iterable request', 'Request', 'Batch done']),
    );
    expect(code.operations).toEqual(
      expect.arrayContaining(['run-poison', 'batch-poison', 'send-batch', 'runs-confirm']),
    );
    expect(code.contextFields.length).toBeGreaterThan(0);
    for (const field of code.contextFields) expect(lineFields).toContain(field);
  });

  it('finds the events, phrases, functions and fields a query names', () => {
    const names = queryNames(
      [
        "traces | where message has 'Run finished'",
        '| extend line = parse_json(message)',
        '| extend event = tostring(line.message)',
        "| where event in ('Run finished', 'Batch done') or tostring(line.operation) == 'run-poison'",
      ].join('\n'),
    );
    expect(names).toEqual({
      events: ['Batch done', 'Run finished'],
      prefixes: [],
      phrases: ['Run finished'],
      operations: ['run-poison'],
      fields: ['message', 'operation'],
    });
  });
});
