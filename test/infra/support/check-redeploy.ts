import { descendantsOfType, property, where } from './bicep-model';
import { incarnationInputs } from './check-key-vault-name';
import { roleAssignments } from './check-roles';
import { fileOf, mainFile, rbacFile, traceOutput, type Templates } from './templates';

/**
 * Deploying the same template twice changes nothing: names never come from the clock or a random
 * guid, the resource token comes from stable inputs only, and each role assignment's name is a
 * guid() of its scope, principal and role, so the second run finds it instead of adding another
 * (which Azure refuses with RoleAssignmentExists).
 */

/** What the resource token may be made of: the same on every deployment of an environment. */
const stableTokenInputs = [
  'subscription().id',
  'environmentName',
  'location',
  'resourceGroup().id',
];

/**
 * A module output Azure fixes when a resource is created (check-key-vault-name.ts): the same on
 * every deployment of an environment, new only after the environment is deleted and created again.
 */
function isIncarnationInput(templates: Templates, expression: string): boolean {
  const traced = traceOutput(templates, expression);
  return traced !== undefined && `${traced.file}: ${traced.source}` in incarnationInputs;
}

export function checkRedeployable(templates: Templates): string[] {
  const problems: string[] = [];
  for (const [name, file] of templates.files) {
    for (const call of descendantsOfType(file.root, 'call_expression')) {
      const callee = call.childForFieldName('function')?.text ?? '';
      if (['newGuid', 'utcNow'].includes(callee)) {
        problems.push(`${where(name, call)} calls ${callee}(): a new value on every deployment`);
      }
      if (callee === 'uniqueString') {
        const inputs =
          call.childForFieldName('arguments')?.namedChildren.map((arg) => arg.text) ?? [];
        const stable = (arg: string) =>
          stableTokenInputs.includes(arg) ||
          (name === mainFile && isIncarnationInput(templates, arg));
        for (const input of inputs.filter((arg) => !stable(arg))) {
          problems.push(
            `${where(name, call)} makes a unique string from ${input}, which may change`,
          );
        }
      }
    }
    for (const module of file.modules) {
      const deploymentName = property(module.body, 'name');
      if (
        deploymentName?.type !== 'string' ||
        deploymentName.namedChildren.some((part) => part.type === 'interpolation')
      ) {
        problems.push(`${name}: module ${module.symbol} needs a fixed deployment name`);
      }
    }
  }
  const token = fileOf(templates, mainFile).variables.get('resourceToken');
  if (!token || !token.text.includes('uniqueString(')) {
    problems.push(`${mainFile}: resourceToken must come from uniqueString() of stable inputs`);
  }
  return [...problems, ...checkAssignmentNames(templates)];
}

function checkAssignmentNames(templates: Templates): string[] {
  return roleAssignments(templates).flatMap((assignment) => {
    const label = `${rbacFile}: ${assignment.symbol}`;
    const [, inputs] = /^guid\((.*)\)$/s.exec(assignment.name) ?? [];
    if (inputs === undefined) return [`${label} must be named with guid(scope, principal, role)`];
    const args = inputs.split(',').map((arg) => arg.trim());
    const problems: string[] = [];
    if (args[0] !== `${assignment.scope ?? ''}.id`)
      problems.push(`${label}: guid() must start with ${assignment.scope ?? 'the scope'}.id`);
    if (!args.includes(assignment.principal))
      problems.push(`${label}: guid() must include ${assignment.principal}`);
    if (!args.includes(assignment.roleExpression))
      problems.push(`${label}: guid() must include ${assignment.roleExpression || 'the role'}`);
    return problems;
  });
}
