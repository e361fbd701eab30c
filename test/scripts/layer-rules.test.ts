import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * `npm run lint` holds the code to the floor plan (docs/architecture.md, "Floors") with
 * eslint.config.mjs's no-restricted-imports blocks; these tests lint files that exist only in
 * memory, placed at real paths, so a rule weakened or dropped from the config fails here.
 */
const repoRoot = path.resolve(__dirname, '..', '..');

interface Case {
  file: string;
  code: string;
}

// ESLint loads eslint.config.mjs with a dynamic import, which Jest's module sandbox refuses, so
// a plain Node process runs ESLint's API: only the floor rule, without the type checker, since
// the files linted here are in no tsconfig.
const lintInNode = `
import { ESLint } from 'eslint';
import path from 'node:path';
const cases = JSON.parse(await new Response(process.stdin).text());
const eslint = new ESLint({
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});
const answers = [];
for (const { file, code } of cases) {
  const [result] = await eslint.lintText(code, { filePath: path.resolve(file) });
  answers.push(result.messages.map((m) => (m.fatal ? 'fatal: ' : m.ruleId + ': ') + m.message));
}
process.stdout.write(JSON.stringify(answers));
`;

/** The lint messages of each in-memory file, one ESLint process for all of them. */
function lintAll(cases: Case[]): string[][] {
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', lintInNode], {
    cwd: repoRoot,
    input: JSON.stringify(cases),
    encoding: 'utf8',
  });
  return JSON.parse(output) as string[][];
}

const refused: [file: string, code: string, message: string][] = [
  [
    'shared/state/x.ts',
    "import type { PipelineDeps } from '../pipeline/pipeline-deps';",
    'shared/state/ may not import a feature folder or shared/pipeline/',
  ],
  [
    'shared/state/x.ts',
    "import { ListClaims } from '../list-ownership/list-claims';",
    'shared/state/ may not import a feature folder',
  ],
  [
    'shared/snapshot/x.ts',
    "import { readExportedState } from '../state/exported-state';",
    'shared/snapshot/ may not import shared/state/',
  ],
  [
    'shared/clients/y.ts',
    "import { getAppServices } from '../app/app-services';",
    'shared/clients/ may not import shared/app/',
  ],
  [
    'shared/clients/iterable/y.ts',
    "import type { Region } from '../../connections/connection-schemas';",
    'shared/clients/ may not import a feature folder',
  ],
  [
    'shared/clients/y.ts',
    "import { readJsonBody } from '../http/request-body';",
    'shared/clients/ may not import shared/http/',
  ],
  [
    'shared/x.ts',
    "import type { Run } from './runs/run-schemas';",
    'The ground floor (shared/*.ts) may not import a feature folder',
  ],
  [
    'shared/x.ts',
    "import { createAzureCredential } from './clients/azure-credential';",
    'The ground floor (shared/*.ts) may not import shared/clients/',
  ],
  [
    'shared/runs/x.ts',
    "import { parseInput } from '../http/request-body';",
    'A feature folder or shared/pipeline/ may not import shared/http/',
  ],
  [
    'shared/runs/x.ts',
    "import { roles } from '../http/auth';",
    'A feature folder or shared/pipeline/ may not import shared/http/',
  ],
  [
    'shared/pipeline/planning/x.ts',
    "import { runOperations } from '../../runs/run-operations';",
    "may not import a feature's HTTP operations",
  ],
  [
    'shared/health/x.ts',
    "import { healthOperation } from './health-operation';",
    "may not import a feature's HTTP operations",
  ],
  [
    'shared/exports/x.ts',
    "import { openApiDocument } from '../openapi/openapi-document';",
    'may not import the OpenAPI document',
  ],
  [
    'shared/http/x.ts',
    "import { getAppServices } from '../app/app-services';",
    'The HTTP floor may not import shared/app/',
  ],
  [
    'shared/runs/x-operations.ts',
    "import { operationsByResource } from '../app/api-operations';",
    'The HTTP floor may not import shared/app/',
  ],
  [
    'shared/clients/iterable/y.ts',
    "import { KeyGates } from '../../flow-control/key-gates';",
    'shared/clients/ may not import a feature folder',
  ],
  [
    'shared/flow-control/x.ts',
    "import { getAppServices } from '../app/app-services';",
    'A feature folder or shared/pipeline/ may not import shared/app/',
  ],
  ['shared/app/x.ts', "import '../../functions/index';", 'shared/app/ may not import functions/'],
  [
    'functions/z.ts',
    "import { RunService } from '../shared/runs/run-service';",
    'functions/ may import only shared/app/ and @azure/functions',
  ],
  [
    'functions/z.ts',
    "import { getSettings } from '../shared/settings';",
    'functions/ may import only shared/app/',
  ],
  [
    'functions/z.ts',
    "import { toHttpHandler } from '../shared/http/operation';",
    'functions/ may import only shared/app/',
  ],
  ['functions/z.ts', "import { z } from 'zod';", 'functions/ may import only shared/app/'],
  [
    'functions/z.ts',
    "import { helper } from './helper';",
    'functions/ may import only shared/app/',
  ],
];

const allowed: [file: string, code: string][] = [
  ['shared/x.ts', "import { ValidationError } from './errors';"],
  ['shared/telemetry.ts', "import { createAzureCredential } from './clients/azure-credential';"],
  ['shared/clients/y.ts', "import { getSettings } from '../settings';"],
  ['shared/snapshot/x.ts', "import { batchLimits } from '../clients/iterable/batch-limits';"],
  ['shared/state/x.ts', "import type { SegmentMember } from '../snapshot/segment-members';"],
  ['shared/runs/x.ts', "import { ExportService } from '../exports/export-service';"],
  ['shared/runs/x.ts', "import { rejectRun } from '../pipeline/run-rejections';"],
  ['shared/pipeline/sending/x.ts', "import { RunStore } from '../../runs/run-store';"],
  ['shared/pipeline/sending/x.ts', "import { KeyGates } from '../../flow-control/key-gates';"],
  ['shared/flow-control/x.ts', "import { getOrUndefined } from '../clients/azure-errors';"],
  ['shared/runs/x.ts', "import type { Principal } from '../http/auth';"],
  ['shared/runs/x-operations.ts', "import { defineOperation } from '../http/operation';"],
  ['shared/runs/x-operations.ts', "import { writers } from '../exports/export-operations';"],
  ['shared/openapi/x.ts', "import { tenantHeader } from '../http/auth';"],
  ['shared/app/x.ts', "import { runOperations } from '../runs/run-operations';"],
  ['functions/z.ts', "import { app } from '@azure/functions';"],
  ['functions/z.ts', "import { onRunMessage } from '../shared/app/pipeline-triggers';"],
];

describe('floor rules', () => {
  let answers: string[][];
  beforeAll(() => {
    answers = lintAll(
      [...refused, ...allowed].map(([file, code]) => ({ file, code: `${code}\n` })),
    );
  });

  it.each(refused.map((row, index) => [...row, index] as const))(
    'refuses %s importing: %s',
    (_file, _code, expected, index) => {
      const messages = answers[index] ?? [];
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain('no-restricted-imports: ');
      expect(messages[0]).toContain(expected);
      expect(messages[0]).toContain('docs/architecture.md');
    },
  );

  it.each(allowed.map((row, index) => [...row, refused.length + index] as const))(
    'lets %s import: %s',
    (_file, _code, index) => {
      expect(answers[index]).toEqual([]);
    },
  );
});
