import {
  evaluate,
  isUnresolved,
  iterations,
  property,
  Unresolved,
  type Declaration,
  type Value,
} from './bicep-model';
import { checkQueryNames, queryNames } from './log-contract';
import { fileOf, mainFile, moduleFile, type Templates } from './templates';

/**
 * The alert rules issue #10 asks for, read from the templates: a failed run, a message in a poison
 * queue, removals held (by the mass-removal guard or for a damaged snapshot) and a sustained 429
 * rate, each a log search alert on Application Insights whose query reads the log lines the code writes, deployed from
 * main.bicep, and notifying the action group when an e-mail address is given.
 */

export interface AlertRule {
  file: string;
  label: string;
  query: string;
  severity: Value;
  windowSize: Value;
  evaluationFrequency: Value;
  timeAggregation: Value;
  metricMeasureColumn: Value;
  threshold: Value;
  dimensions: string[];
  failingPeriods: { numberOfEvaluationPeriods?: Value; minFailingPeriodsToAlert?: Value };
  scopes: Value[];
  enabled: Value;
  actionGroups: Value;
}

interface RequiredAlert {
  alert: string;
  /** The messages the query must compare its `event` with. */
  events: string[];
  /** Text the query must hold besides, such as the status or the functions it looks at. */
  mentions: string[];
  dimensions: string[];
  /** More than one period in a row must fail before it fires. */
  sustained?: boolean;
}

export const requiredAlerts: RequiredAlert[] = [
  {
    alert: 'a failed run',
    events: ['Run finished', 'Run planning failed repeatedly; the run fails'],
    mentions: ["'failed'", "'run-poison'", "'run-poison-on-demand'"],
    dimensions: ['tenantId', 'exportId', 'runId'],
  },
  {
    alert: 'a message in a poison queue',
    events: [
      'Run planning failed repeatedly; the run fails',
      'Batch failed repeatedly; its members count as failed',
    ],
    mentions: [
      "'run-poison'",
      "'run-poison-on-demand'",
      "'batch-poison'",
      "'batch-poison-express'",
      "'export-runs-poison'",
      "'export-runs-on-demand-poison'",
      "'export-batches-poison'",
      "'export-batches-express-poison'",
    ],
    dimensions: ['queue'],
  },
  {
    alert: 'removals held by the mass-removal guard or for a damaged snapshot',
    events: ['Run held for confirmation', 'Run removals held'],
    mentions: [],
    dimensions: ['tenantId', 'exportId', 'runId'],
  },
  {
    alert: 'a sustained 429 rate',
    events: ['Iterable request'],
    mentions: ['429'],
    dimensions: ['tenantId'],
    sustained: true,
  },
];

const ruleType = 'Microsoft.Insights/scheduledQueryRules';
const asObject = (value: Value | undefined): Record<string, Value> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !isUnresolved(value)
    ? value
    : {};
const asArray = (value: Value | undefined): Value[] => (Array.isArray(value) ? value : []);
/** A string's value, or the text of an expression known only at deployment. */
const text = (value: Value | undefined): string =>
  typeof value === 'string' ? value : value instanceof Unresolved ? value.text : '';

/** Every log alert rule of every file, one per loop item, with its parameters' defaults. */
export function alertRules(templates: Templates, params: Record<string, Value> = {}): AlertRule[] {
  return [...templates.files].flatMap(([name, file]) =>
    file
      .resourcesOfType(ruleType)
      .filter((resource) => !resource.existing)
      .flatMap((resource) =>
        iterations(resource, { file, params }).map((scope) => {
          const body = asObject(evaluate(resource.body, scope));
          const properties = asObject(body.properties);
          const condition = asObject(asArray(asObject(properties.criteria).allOf)[0]);
          return {
            file: name,
            label: `${name} ${text(properties.displayName) || resource.symbol}`,
            query: text(condition.query).trim(),
            severity: properties.severity ?? null,
            windowSize: properties.windowSize ?? null,
            evaluationFrequency: properties.evaluationFrequency ?? null,
            timeAggregation: condition.timeAggregation ?? null,
            metricMeasureColumn: condition.metricMeasureColumn ?? null,
            threshold: condition.threshold ?? null,
            dimensions: asArray(condition.dimensions).map((dimension) =>
              text(asObject(dimension).name),
            ),
            failingPeriods: asObject(condition.failingPeriods),
            scopes: asArray(properties.scopes),
            enabled: properties.enabled ?? null,
            actionGroups: asObject(properties.actions).actionGroups ?? null,
          };
        }),
      ),
  );
}

/** The rule that alerts on a required condition: its query names all the events and mentions. */
export function ruleFor(rules: AlertRule[], required: RequiredAlert): AlertRule | undefined {
  return rules.find((rule) => {
    const events = queryNames(rule.query).events;
    return (
      required.events.every((event) => events.includes(event)) &&
      required.mentions.every((mention) => rule.query.includes(mention))
    );
  });
}

export function checkAlerts(templates: Templates): string[] {
  const rules = alertRules(templates);
  return [
    ...requiredAlerts.flatMap((required) => checkRequired(rules, required)),
    ...rules.flatMap((rule) => checkRule(templates, rule)),
    ...checkDeployed(templates, rules),
    ...checkNotifications(templates),
  ];
}

function checkRequired(rules: AlertRule[], required: RequiredAlert): string[] {
  const rule = ruleFor(rules, required);
  if (!rule) {
    const events = required.events.map((event) => `'${event}'`).join(', ');
    return [`no alert rule for ${required.alert}: a query on ${events}`];
  }
  const problems = required.dimensions
    .filter((dimension) => !rule.dimensions.includes(dimension))
    .map((dimension) => `${rule.label}: ${required.alert} needs the dimension ${dimension}`);
  const { numberOfEvaluationPeriods: periods, minFailingPeriodsToAlert: failing } =
    rule.failingPeriods;
  if (required.sustained && !(typeof failing === 'number' && failing >= 2 && failing === periods)) {
    problems.push(`${rule.label}: ${required.alert} must fail several periods in a row to fire`);
  }
  return problems;
}

/** What every rule needs: its query reads real log lines and outputs what the rule aggregates. */
function checkRule(templates: Templates, rule: AlertRule): string[] {
  const problems = checkQueryNames(rule.label, rule.query);
  const columns = [rule.metricMeasureColumn, ...rule.dimensions].filter(
    (column): column is string => typeof column === 'string',
  );
  for (const column of columns) {
    if (!new RegExp(`\\b${column}\\b`).test(lastLine(rule.query)))
      problems.push(`${rule.label}: the query's last line does not output ${column}`);
  }
  if (rule.enabled !== true) problems.push(`${rule.label}: must be enabled`);
  if (typeof rule.severity !== 'number') problems.push(`${rule.label}: needs a severity`);
  for (const [key, value] of Object.entries({
    windowSize: rule.windowSize,
    evaluationFrequency: rule.evaluationFrequency,
  })) {
    if (typeof value !== 'string' || !/^PT\d+[MH]$/.test(value))
      problems.push(`${rule.label}: ${key} must be a duration such as PT5M`);
  }
  if (!scopesApplicationInsights(templates, rule))
    problems.push(`${rule.label}: must be scoped to the Application Insights component`);
  return problems;
}

const lastLine = (query: string): string => query.split('\n').at(-1) ?? '';

function scopesApplicationInsights(templates: Templates, rule: AlertRule): boolean {
  const components = fileOf(templates, rule.file)
    .resourcesOfType('Microsoft.Insights/components')
    .map((component) => `${component.symbol}.id`);
  return rule.scopes.length === 1 && components.includes(text(rule.scopes[0]));
}

/** Each file holding alert rules is a module main.bicep deploys. */
function checkDeployed(templates: Templates, rules: AlertRule[]): string[] {
  const deployed = fileOf(templates, mainFile).modules.map((module) =>
    moduleFile(mainFile, module),
  );
  const files = [...new Set(rules.map((rule) => rule.file))];
  return files
    .filter((file) => !deployed.includes(file))
    .map((file) => `${mainFile} does not deploy ${file}, which holds the alert rules`);
}

/**
 * With an e-mail address the rules notify an action group that mails it; without one there is no
 * group and the alerts show in Azure Monitor only.
 */
function checkNotifications(templates: Templates): string[] {
  const email = 'operations@example.com';
  const problems: string[] = [];
  for (const [name, file] of templates.files) {
    if (file.resourcesOfType(ruleType).length === 0) continue;
    const groups = file.resourcesOfType('Microsoft.Insights/actionGroups');
    const group = groups[0];
    if (!group) {
      problems.push(`${name}: no action group for the alerts to notify`);
      continue;
    }
    const param = emailParameter(group);
    if (!param || !file.params.has(param)) {
      problems.push(`${name}: the action group must e-mail an address given as a parameter`);
      continue;
    }
    const rules = alertRules(templates, { [param]: email }).filter((rule) => rule.file === name);
    for (const rule of rules) {
      const actions = asArray(rule.actionGroups).map(text);
      if (!actions.includes(`${group.symbol}.id`))
        problems.push(`${rule.label}: does not notify ${group.symbol} when ${param} is given`);
    }
    for (const rule of alertRules(templates, { [param]: '' }).filter((r) => r.file === name)) {
      if (asArray(rule.actionGroups).length > 0)
        problems.push(`${rule.label}: names an action group that ${param} = '' does not create`);
    }
    if (group.condition?.text !== `(!empty(${param}))`)
      problems.push(`${name}: create ${group.symbol} only when ${param} is given`);
  }
  return problems;
}

/** The parameter an action group's e-mail receivers take their address from. */
function emailParameter(group: Declaration): string | undefined {
  const receivers = property(property(group.body, 'properties') ?? group.body, 'emailReceivers');
  const first = receivers?.namedChildren.find((child) => child.type === 'object');
  const address = first && property(first, 'emailAddress');
  return address?.type === 'identifier' ? address.text : undefined;
}
