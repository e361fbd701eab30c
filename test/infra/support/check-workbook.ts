import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { property, type Declaration } from './bicep-model';
import { checkQueryNames } from './log-contract';
import { fileOf, mainFile, moduleFile, type Templates } from './templates';

/**
 * The workbook issue #10 asks for, read from the templates and the workbook JSON they load: a
 * shared workbook on Application Insights with a stable name, whose queries read the log lines
 * the code writes and show runs, durations, throughput and failures per tenant and export.
 */

export interface WorkbookQuery {
  name: string;
  title: string;
  query: string;
  content: Record<string, unknown>;
}

export interface Workbook {
  file: string;
  resource: Declaration;
  /** The JSON file serializedData loads, relative to infra/. */
  dataFile?: string;
  data?: { version?: unknown; items?: unknown[] };
  dataText?: string;
}

interface RequiredPanel {
  shows: string;
  /** What a query must hold to show it. */
  markers: RegExp[];
}

export const requiredPanels: RequiredPanel[] = [
  { shows: 'runs', markers: [/'Run planning started'/, /'Run finished'/, /'succeeded'/] },
  // A duration column (…Seconds, …Ms) that is a percentile of the lines' durationMs.
  {
    shows: 'durations',
    markers: [/line\.durationMs/, /\w(?:Seconds|Ms)\s*=\s*(?:round\()?percentile\(/],
  },
  { shows: 'throughput', markers: [/line\.profilesPerSecond/, /line\.counts\.total/] },
  {
    shows: 'failures',
    markers: [
      /'failed'/,
      /'A batch failed'/,
      /'Batch failed repeatedly; its members count as failed'/,
      /line\.counts\.failed/,
    ],
  },
];

const perTenantAndExport = /\bby\s+tenantId,\s*exportId\b/;
const workbookType = 'Microsoft.Insights/workbooks';

export function workbooks(templates: Templates): Workbook[] {
  return [...templates.files].flatMap(([name, file]) =>
    file
      .resourcesOfType(workbookType)
      .filter((resource) => !resource.existing)
      .map((resource) => readWorkbook(templates, name, resource)),
  );
}

function readWorkbook(templates: Templates, file: string, resource: Declaration): Workbook {
  const serialized = property(
    property(resource.body, 'properties') ?? resource.body,
    'serializedData',
  );
  const loaded = /loadTextContent\('([^']+)'\)/.exec(serialized?.text ?? '')?.[1];
  if (!loaded) return { file, resource };
  const dataFile = path.posix.join(path.posix.dirname(file), loaded);
  const full = path.join(templates.dir, dataFile);
  if (!existsSync(full)) return { file, resource, dataFile };
  const dataText = readFileSync(full, 'utf8');
  try {
    return { file, resource, dataFile, dataText, data: JSON.parse(dataText) as Workbook['data'] };
  } catch {
    return { file, resource, dataFile, dataText };
  }
}

/** Every query item of a workbook, groups included. */
export function workbookQueries(workbook: Workbook): WorkbookQuery[] {
  const visit = (items: unknown[]): WorkbookQuery[] =>
    items.flatMap((item) => {
      const { name, content } = (item ?? {}) as {
        name?: string;
        content?: Record<string, unknown>;
      };
      if (!content) return [];
      if (Array.isArray(content.items)) return visit(content.items);
      if (content.version !== 'KqlItem/1.0' || typeof content.query !== 'string') return [];
      return [
        {
          name: name ?? '?',
          title: typeof content.title === 'string' ? content.title : '',
          query: content.query,
          content,
        },
      ];
    });
  return visit(workbook.data?.items ?? []);
}

interface Parameter {
  name: string;
  type: unknown;
}

function workbookParameters(workbook: Workbook): Parameter[] {
  const visit = (items: unknown[]): Parameter[] =>
    items.flatMap((item) => {
      const content = ((item ?? {}) as { content?: Record<string, unknown> }).content ?? {};
      if (Array.isArray(content.items)) return visit(content.items);
      return Array.isArray(content.parameters) ? (content.parameters as Parameter[]) : [];
    });
  return visit(workbook.data?.items ?? []);
}

export function checkWorkbook(templates: Templates): string[] {
  const found = workbooks(templates);
  if (found.length !== 1) return [`expected one workbook, found ${found.length}`];
  const [workbook] = found as [Workbook];
  const label = `${workbook.file} ${workbook.resource.symbol}`;
  if (!workbook.dataFile) return [`${label}: serializedData must be loadTextContent() of a file`];
  if (!workbook.dataText) return [`${label}: ${workbook.dataFile} does not exist`];
  if (!workbook.data) return [`${workbook.dataFile} is not JSON`];
  return [
    ...checkResource(templates, workbook, label),
    ...checkPanels(workbook),
    ...checkQueries(workbook),
    ...checkDeployed(templates, workbook),
  ];
}

function checkResource(templates: Templates, workbook: Workbook, label: string): string[] {
  const body = workbook.resource.body;
  const properties = property(body, 'properties') ?? body;
  const components = fileOf(templates, workbook.file)
    .resourcesOfType('Microsoft.Insights/components')
    .map((component) => `${component.symbol}.id`);
  const serialized = property(properties, 'serializedData')?.text ?? '';
  const problems: string[] = [];
  if (property(body, 'kind')?.text !== "'shared'") problems.push(`${label}: kind must be 'shared'`);
  // A workbook's name is a GUID; guid() of stable inputs keeps it the same on every deployment.
  if (!/^guid\(/.test(property(body, 'name')?.text ?? ''))
    problems.push(`${label}: name must be guid() of stable inputs`);
  if (!components.includes(property(properties, 'sourceId')?.text ?? ''))
    problems.push(`${label}: sourceId must be the Application Insights component's id`);
  if (property(properties, 'version')?.text !== `'${String(workbook.data?.version)}'`)
    problems.push(
      `${label}: version must be the workbook's own (${String(workbook.data?.version)})`,
    );
  const placeholders = [...new Set(workbook.dataText?.match(/__[A-Z_]+__/g) ?? [])];
  for (const placeholder of placeholders.filter((name) => !serialized.includes(`'${name}'`)))
    problems.push(`${label}: serializedData leaves ${placeholder} in ${workbook.dataFile ?? ''}`);
  return problems;
}

function checkPanels(workbook: Workbook): string[] {
  const queries = workbookQueries(workbook);
  return requiredPanels
    .filter(
      (panel) =>
        !queries.some(
          ({ query }) =>
            perTenantAndExport.test(query) && panel.markers.every((marker) => marker.test(query)),
        ),
    )
    .map((panel) => `the workbook shows no ${panel.shows} per tenant and export`);
}

function checkQueries(workbook: Workbook): string[] {
  const parameters = workbookParameters(workbook);
  const declared = parameters.map((parameter) => parameter.name);
  const timeRanges = parameters.filter((p) => p.type === 4).map((p) => p.name);
  return workbookQueries(workbook).flatMap(({ name, query, content }) => {
    const label = `${workbook.dataFile ?? 'workbook'} ${name}`;
    const used = [...query.matchAll(/\{(\w+)(?::\w+)?\}/g)].map((match) => match[1] ?? '');
    return [
      ...checkQueryNames(label, query),
      ...[...new Set(used)]
        .filter((parameter) => !declared.includes(parameter))
        .map((parameter) => `${label}: uses {${parameter}}, which no parameter declares`),
      ...(timeRanges.includes(String(content.timeContextFromParameter))
        ? []
        : [`${label}: must take its time range from the time range parameter`]),
      ...(content.resourceType === 'microsoft.insights/components'
        ? []
        : [`${label}: must query Application Insights (microsoft.insights/components)`]),
    ];
  });
}

function checkDeployed(templates: Templates, workbook: Workbook): string[] {
  const deployed = fileOf(templates, mainFile).modules.some(
    (module) => moduleFile(mainFile, module) === workbook.file,
  );
  return deployed ? [] : [`${mainFile} does not deploy ${workbook.file}, which holds the workbook`];
}
