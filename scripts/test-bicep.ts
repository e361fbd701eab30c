import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  checkParameterDescriptions,
  checkParametersFile,
  checkStableApiVersions,
  deployedResources,
  type ArmTemplate,
  type ParametersFile,
} from './arm-template-checks';
import { findBicepCli, type BicepCli, type CommandResult } from './bicep-cli';
import { checkLinterConfig, readLinterConfig } from './bicep-config';
import { failing, formatDiagnostic, parseDiagnostics } from './bicep-diagnostics';

/**
 * `npm run test:bicep`: infra/main.bicep through the real Bicep compiler. It builds the template
 * and lints it (with every module it uses) under infra/bicepconfig.json, and any error or warning
 * fails; then it checks the compiled ARM template and main.parameters.json against each other.
 * `npm test` checks the same templates without a compiler (test/infra); this adds what only the
 * compiler knows: resource types, property names and values, and function signatures.
 */

const repoRoot = path.resolve(__dirname, '..', '..');
const infraDir = path.join(repoRoot, 'infra');
const mainFile = path.join(infraDir, 'main.bicep');
const configFile = path.join(infraDir, 'bicepconfig.json');
/** Git-ignored and left out of the deployment package; holds the CLI and the compiled template. */
const cacheDir = path.join(repoRoot, '.cache', 'bicep');
const compiledFile = path.join(cacheDir, 'main.json');

interface Outcome {
  name: string;
  problems: string[];
  /** Shown under a passing check too. */
  notes?: string[];
}

const relative = (file: string) => path.relative(repoRoot, file);

/** Diagnostics of one CLI run: any error or warning, or a failed exit, is a problem. */
function diagnosticsOutcome(name: string, run: CommandResult): Outcome {
  const { diagnostics, other } = parseDiagnostics(`${run.stdout}\n${run.stderr}`);
  const problems = failing(diagnostics).map((diagnostic) => formatDiagnostic(diagnostic, infraDir));
  if (run.status !== 0) problems.push(`exited with ${run.status}`, ...other);
  const infos = diagnostics.filter((diagnostic) => diagnostic.level === 'Info');
  return {
    name,
    problems,
    notes: [
      ...infos.map((info) => formatDiagnostic(info, infraDir)),
      ...(run.status === 0 ? other : []),
    ],
  };
}

/**
 * A warning the CLI must report, read back: if a CLI version wrote its diagnostics in another
 * form, the checks below would find none and pass. Linted in a temporary folder, away from
 * infra/bicepconfig.json, so only the CLI's defaults apply.
 */
function canary(cli: BicepCli): Outcome {
  const dir = mkdtempSync(path.join(tmpdir(), 'bicep-canary-'));
  try {
    const file = path.join(dir, 'canary.bicep');
    writeFileSync(file, 'param unusedOnPurpose string\n');
    const run = cli.lint(file);
    const found = parseDiagnostics(`${run.stdout}\n${run.stderr}`).diagnostics;
    const seen = found.some(
      (diagnostic) => diagnostic.level === 'Warning' && diagnostic.code === 'no-unused-params',
    );
    return {
      name: 'the CLI reports a known warning in the form this script reads',
      problems: seen ? [] : ['a file with an unused parameter gave no no-unused-params warning'],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** infra/bicepconfig.json: the linter on, and a reason beside each rule left off. */
function linterConfig(): Outcome {
  const name = `${relative(configFile)}: the linter is on, with the default rules and these`;
  try {
    const config = readLinterConfig(readFileSync(configFile, 'utf8'));
    return {
      name,
      problems: checkLinterConfig(config),
      notes: config.rules.map(({ rule, level, reason }) =>
        level === 'off'
          ? `${rule}: off. ${reason.replace(/^Left off: /, '')}`
          : `${rule}: ${level}`,
      ),
    };
  } catch (error) {
    return { name, problems: [(error as Error).message] };
  }
}

function compiledOutcomes(): Outcome[] {
  if (!existsSync(compiledFile))
    return [
      { name: 'compiled template', problems: [`the build wrote no ${relative(compiledFile)}`] },
    ];
  const template = JSON.parse(readFileSync(compiledFile, 'utf8')) as ArmTemplate;
  const parameters = JSON.parse(
    readFileSync(path.join(infraDir, 'main.parameters.json'), 'utf8'),
  ) as ParametersFile;
  const resources = deployedResources(template);
  const deployments = resources.filter((r) => r.type === 'Microsoft.Resources/deployments');
  return [
    {
      name: `compiled template: ${resources.length - deployments.length} resources in ${deployments.length} modules, each on a stable API version`,
      problems: checkStableApiVersions(template),
    },
    {
      name: 'compiled template: every parameter has a description (azd shows it when it asks)',
      problems: checkParameterDescriptions(template),
    },
    {
      name: "main.parameters.json: each value and ${NAME=fallback} passes its parameter's type and constraints",
      problems: checkParametersFile(template, parameters),
    },
  ];
}

function report(outcome: Outcome): void {
  console.log(`${outcome.problems.length === 0 ? 'ok  ' : 'FAIL'}  ${outcome.name}`);
  for (const problem of outcome.problems) console.log(`        ${problem}`);
  for (const note of outcome.notes ?? []) console.log(`        · ${note}`);
}

function main(): number {
  console.log(`Bicep check of ${relative(mainFile)}`);
  let cli: BicepCli;
  try {
    cli = findBicepCli(cacheDir);
  } catch (error) {
    console.log(`FAIL  ${(error as Error).message}`);
    return 1;
  }
  console.log(`      ${cli.version}, from ${cli.source}`);
  mkdirSync(cacheDir, { recursive: true });
  // A template left by an earlier run must not be checked as this one's.
  rmSync(compiledFile, { force: true });
  const outcomes: Outcome[] = [canary(cli), linterConfig()];
  const build = diagnosticsOutcome(
    `bicep build: no error, no warning; ARM template in ${relative(compiledFile)}`,
    cli.build(mainFile, compiledFile),
  );
  outcomes.push(
    build,
    diagnosticsOutcome(
      'bicep lint: no error, no warning, in main.bicep and its modules',
      cli.lint(mainFile),
    ),
  );
  if (build.problems.length === 0) outcomes.push(...compiledOutcomes());
  outcomes.forEach(report);
  const failed = outcomes.filter((outcome) => outcome.problems.length > 0);
  console.log(
    failed.length === 0
      ? `passed: ${outcomes.length} checks`
      : `FAILED: ${failed.length} of ${outcomes.length} checks`,
  );
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = main();
