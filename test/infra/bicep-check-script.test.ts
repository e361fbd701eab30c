import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  checkParameterDescriptions,
  checkParametersFile,
  checkStableApiVersions,
  deployedResources,
  type ArmTemplate,
} from '../../scripts/arm-template-checks';
import { checkLinterConfig, readLinterConfig } from '../../scripts/bicep-config';
import { failing, parseDiagnostics } from '../../scripts/bicep-diagnostics';
import { infraDir } from './support/infra-folder';

/**
 * The parts of `npm run test:bicep` that need no compiler, on small hand-written inputs: how it
 * reads the CLI's diagnostics and what it refuses in a compiled template. The script itself runs
 * the real compiler and applies the same checks to infra/main.bicep.
 */

describe('infra/bicepconfig.json', () => {
  const config = (rules: string, enabled = true) =>
    `{\n  "analyzers": {\n    "core": {\n      "enabled": ${enabled},\n      "rules": {\n${rules}\n      }\n    }\n  }\n}\n`;

  it('keeps the linter on and says why each rule it leaves off is off', () => {
    const read = readLinterConfig(readFileSync(path.join(infraDir, 'bicepconfig.json'), 'utf8'));
    expect(checkLinterConfig(read)).toEqual([]);
    expect(read.rules.filter((rule) => rule.level === 'off').length).toBeGreaterThan(0);
  });

  it('reads each rule with the comment above it', () => {
    const read = readLinterConfig(
      config(
        '        // Left off: a reason\n        // on two lines.\n        "rule-a": { "level": "off" },\n        "rule-b": { "level": "warning" }',
      ),
    );
    expect(read.rules).toEqual([
      { rule: 'rule-a', level: 'off', reason: 'Left off: a reason on two lines.' },
      { rule: 'rule-b', level: 'warning', reason: '' },
    ]);
  });

  it('reports a rule left off without a reason, and a linter turned off', () => {
    const read = readLinterConfig(config('        "no-unused-params": { "level": "off" }', false));
    expect(checkLinterConfig(read)).toEqual([
      'analyzers.core.enabled is false: nothing would be linted',
      'no-unused-params is off without a "// Left off: <why>" comment above it',
    ]);
  });

  it('refuses a rule it cannot read with its comment', () => {
    const spread = config('        "no-unused-params": {\n          "level": "off"\n        }');
    expect(() => readLinterConfig(spread)).toThrow('write each rule on one line: no-unused-params');
  });
});

describe('reading the Bicep CLI diagnostics', () => {
  const output = [
    "/repo/infra/app/api.bicep(7,12) : Warning use-user-defined-types: Use user-defined types instead of 'object' or 'array'. [https://aka.ms/bicep/linter-diagnostics#use-user-defined-types]",
    '/repo/infra/main.bicep(208,14) : Error BCP009: Expected a literal value at this location. [https://aka.ms/bicep/core-diagnostics#BCP009]',
    '/repo/infra/main.bicep(3,1) : Info some-rule: For your information.',
    'WARNING: A new Bicep release is available: v9.9.9.',
  ].join('\n');

  it('finds each diagnostic with its file, position, level and code', () => {
    const { diagnostics, other } = parseDiagnostics(output);
    expect(diagnostics.map((d) => [d.file, d.line, d.column, d.level, d.code])).toEqual([
      ['/repo/infra/app/api.bicep', 7, 12, 'Warning', 'use-user-defined-types'],
      ['/repo/infra/main.bicep', 208, 14, 'Error', 'BCP009'],
      ['/repo/infra/main.bicep', 3, 1, 'Info', 'some-rule'],
    ]);
    expect(other).toEqual(['WARNING: A new Bicep release is available: v9.9.9.']);
  });

  it('fails on warnings and errors, not on information', () => {
    const levels = failing(parseDiagnostics(output).diagnostics).map((d) => d.level);
    expect(levels).toEqual(['Warning', 'Error']);
  });
});

/** A compiled main template with one module, as the Bicep compiler writes it. */
function compiled(moduleApiVersion = '2024-04-01'): ArmTemplate {
  return {
    parameters: {
      environmentName: { type: 'string', minLength: 1, metadata: { description: 'env' } },
      instanceMemoryMB: {
        type: 'int',
        defaultValue: 2048,
        allowedValues: [512, 2048, 4096],
        metadata: { description: 'memory' },
      },
      storageSku: {
        type: 'string',
        defaultValue: 'Standard_ZRS',
        allowedValues: ['Standard_LRS', 'Standard_ZRS'],
        metadata: { description: 'sku' },
      },
    },
    resources: [
      { type: 'Microsoft.Resources/resourceGroups', apiVersion: '2024-03-01', name: 'rg' },
      {
        type: 'Microsoft.Resources/deployments',
        apiVersion: '2025-04-01',
        name: 'api',
        properties: {
          template: {
            resources: {
              plan: { type: 'Microsoft.Web/serverfarms', apiVersion: moduleApiVersion, name: 'p' },
              account: {
                type: 'Microsoft.Storage/storageAccounts',
                apiVersion: '2023-05-01',
                name: 's',
                existing: true,
              },
            },
          },
        },
      },
    ],
  };
}

describe('checks on the compiled template', () => {
  it("lists every resource, a module's too, and leaves out existing ones", () => {
    expect(deployedResources(compiled())).toEqual([
      { deployment: '', type: 'Microsoft.Resources/resourceGroups', apiVersion: '2024-03-01' },
      { deployment: '', type: 'Microsoft.Resources/deployments', apiVersion: '2025-04-01' },
      { deployment: 'api', type: 'Microsoft.Web/serverfarms', apiVersion: '2024-04-01' },
    ]);
  });

  it('reports a preview API version inside a module, and passes stable ones', () => {
    expect(checkStableApiVersions(compiled())).toEqual([]);
    expect(checkStableApiVersions(compiled('2024-11-01-preview'))).toEqual([
      'api: Microsoft.Web/serverfarms@2024-11-01-preview is a preview API version',
    ]);
  });

  it('reports a parameter without a description', () => {
    const template = compiled();
    template.parameters!.environmentName!.metadata = {};
    expect(checkParameterDescriptions(template)).toEqual([
      'parameter environmentName has no @description',
    ]);
  });
});

describe('main.parameters.json against the compiled parameters', () => {
  const valid = {
    environmentName: { value: '${AZURE_ENV_NAME}' },
    instanceMemoryMB: { value: 2048 },
    storageSku: { value: '${STORAGE_SKU=Standard_ZRS}' },
  };

  it('passes values and fallbacks the template accepts', () => {
    expect(checkParametersFile(compiled(), { parameters: valid })).toEqual([]);
  });

  it.each([
    [
      'a fallback outside the allowed values',
      { storageSku: { value: '${STORAGE_SKU=Standard_GRS}' } },
      'main.parameters.json: storageSku\'s fallback "Standard_GRS" is not one of ["Standard_LRS","Standard_ZRS"]',
    ],
    [
      'a number given as text',
      { instanceMemoryMB: { value: '2048' } },
      'main.parameters.json: instanceMemoryMB is string, the parameter is int',
    ],
    [
      'an environment value for a number',
      { instanceMemoryMB: { value: '${INSTANCE_MEMORY_MB=2048}' } },
      'main.parameters.json: instanceMemoryMB takes ${INSTANCE_MEMORY_MB} but is int',
    ],
    [
      'a literal outside the allowed values',
      { instanceMemoryMB: { value: 1024 } },
      'main.parameters.json: instanceMemoryMB 1024 is not one of [512,2048,4096]',
    ],
    [
      'an empty fallback for a parameter that needs text',
      { environmentName: { value: '${AZURE_ENV_NAME=}' } },
      "main.parameters.json: environmentName's fallback '' is shorter than 1",
    ],
    [
      'a parameter the template does not declare',
      { storageRedundancy: { value: 'Standard_LRS' } },
      'main.parameters.json sets storageRedundancy, which the template does not declare',
    ],
  ])('reports %s', (_case, change, problem) => {
    expect(checkParametersFile(compiled(), { parameters: { ...valid, ...change } })).toEqual([
      problem,
    ]);
  });

  it('reports a parameter without a default that the file does not set', () => {
    const { environmentName: _left, ...rest } = valid;
    expect(checkParametersFile(compiled(), { parameters: rest })).toEqual([
      'main.parameters.json does not set environmentName, which has no default',
    ]);
  });
});
