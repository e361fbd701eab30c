import { checkFunctionApp, checkKeyVault, checkMonitoring } from './support/check-resources';
import {
  checkAzureYaml,
  checkModuleParameters,
  checkNaming,
  checkParametersFile,
} from './support/check-wiring';
import { repoRoot } from './support/code-contract';
import { repositoryTemplates } from './support/infra-folder';

describe('template shape', () => {
  it('runs the app on Flex Consumption, Node 22, with a user-assigned identity and scale parameters', async () => {
    expect(checkFunctionApp(await repositoryTemplates())).toEqual([]);
  });

  it('keeps secrets in a Key Vault with RBAC, soft delete and purge protection', async () => {
    expect(checkKeyVault(await repositoryTemplates())).toEqual([]);
  });

  it('sends telemetry to Application Insights on Log Analytics, by identity only', async () => {
    expect(checkMonitoring(await repositoryTemplates())).toEqual([]);
  });

  it('passes every module exactly the parameters it declares and requires', async () => {
    expect(checkModuleParameters(await repositoryTemplates())).toEqual([]);
  });

  it('sets every required parameter of main.bicep in main.parameters.json', async () => {
    expect(checkParametersFile(await repositoryTemplates())).toEqual([]);
  });

  it('names resources from abbreviations.json and outputs in UPPER_SNAKE', async () => {
    expect(checkNaming(await repositoryTemplates())).toEqual([]);
  });

  it('has an azure.yaml whose service is the tagged Function App', async () => {
    expect(checkAzureYaml(repoRoot, await repositoryTemplates())).toEqual([]);
  });
});
