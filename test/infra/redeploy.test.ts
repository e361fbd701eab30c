import { checkRedeployable } from './support/check-redeploy';
import { roleAssignments } from './support/check-roles';
import { repositoryTemplates } from './support/infra-folder';

describe('redeploying the same template', () => {
  it('uses no clock or random value, and names role assignments with guid() of stable inputs', async () => {
    expect(checkRedeployable(await repositoryTemplates())).toEqual([]);
  });

  it('names each role assignment from its scope, principal and role', async () => {
    const names = roleAssignments(await repositoryTemplates()).map((assignment) => assignment.name);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(/^guid\(\S+\.id, \w+, [\w.]+\)$/);
  });
});
