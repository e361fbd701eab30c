/**
 * Checks on the ARM template the Bicep compiler makes of infra/main.bicep. The compiler has
 * resolved what the Bicep source only implies: each parameter's type and constraints, and every
 * resource of every module with its API version, so these checks read plain JSON.
 */

export interface ArmParameter {
  type: string;
  defaultValue?: unknown;
  allowedValues?: unknown[];
  minValue?: number;
  maxValue?: number;
  minLength?: number;
  maxLength?: number;
  metadata?: { description?: string };
}

export interface ArmResource {
  type: string;
  apiVersion: string;
  name: string;
  existing?: boolean;
  properties?: { template?: ArmTemplate };
}

export interface ArmTemplate {
  parameters?: Record<string, ArmParameter>;
  /** An array, or an object keyed by symbolic name (languageVersion 2.0). */
  resources?: ArmResource[] | Record<string, ArmResource>;
}

export interface ParametersFile {
  parameters: Record<string, { value?: unknown }>;
}

export interface DeployedResource {
  /** The nested deployments (modules) that lead to it, e.g. `storage`. */
  deployment: string;
  type: string;
  apiVersion: string;
}

/** Every resource the template deploys, modules' resources included. */
export function deployedResources(template: ArmTemplate, deployment = ''): DeployedResource[] {
  const resources = Array.isArray(template.resources)
    ? template.resources
    : Object.values(template.resources ?? {});
  return resources.flatMap((resource) => {
    if (resource.existing) return [];
    const own = { deployment, type: resource.type, apiVersion: resource.apiVersion };
    const inner = resource.properties?.template;
    if (resource.type !== 'Microsoft.Resources/deployments' || !inner) return [own];
    const name = deployment ? `${deployment}/${resource.name}` : resource.name;
    return [own, ...deployedResources(inner, name)];
  });
}

/** Preview API versions can change shape without notice; every resource uses a stable one. */
export function checkStableApiVersions(template: ArmTemplate): string[] {
  return deployedResources(template)
    .filter((resource) => /preview/i.test(resource.apiVersion))
    .map(
      (resource) =>
        `${resource.deployment || 'main'}: ${resource.type}@${resource.apiVersion} is a preview API version`,
    );
}

/** azd shows a parameter's description when it asks for a value; each one needs it. */
export function checkParameterDescriptions(template: ArmTemplate): string[] {
  return Object.entries(template.parameters ?? {})
    .filter(([, parameter]) => !parameter.metadata?.description?.trim())
    .map(([name]) => `parameter ${name} has no @description`);
}

/** An azd environment reference: `${NAME}` or `${NAME=fallback}`. */
const environmentReference = /^\$\{(?<name>[A-Z_][A-Z0-9_]*)(?:=(?<fallback>[^}]*))?\}$/;

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'number';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

/** What the template refuses of a value: its type, allowed values, range and length. */
function refusals(parameter: ArmParameter, value: unknown): string[] {
  const type = parameter.type.toLowerCase().replace(/^secure/, '');
  if (jsonType(value) !== type) return [`is ${jsonType(value)}, the parameter is ${type}`];
  const found: string[] = [];
  if (parameter.allowedValues && !parameter.allowedValues.includes(value)) {
    found.push(`${JSON.stringify(value)} is not one of ${JSON.stringify(parameter.allowedValues)}`);
  }
  if (typeof value === 'number') {
    if (parameter.minValue !== undefined && value < parameter.minValue)
      found.push(`${value} is below ${parameter.minValue}`);
    if (parameter.maxValue !== undefined && value > parameter.maxValue)
      found.push(`${value} is above ${parameter.maxValue}`);
  }
  if (typeof value === 'string') {
    if (parameter.minLength !== undefined && value.length < parameter.minLength)
      found.push(`'${value}' is shorter than ${parameter.minLength}`);
    if (parameter.maxLength !== undefined && value.length > parameter.maxLength)
      found.push(`'${value}' is longer than ${parameter.maxLength}`);
  }
  return found;
}

/**
 * main.parameters.json against the compiled parameters: azd sends each value as written, with
 * `${NAME=fallback}` replaced by the environment's value or the fallback, so a literal or a
 * fallback the template refuses fails the deployment only once it reaches Azure.
 */
export function checkParametersFile(template: ArmTemplate, file: ParametersFile): string[] {
  const declared = template.parameters ?? {};
  const problems: string[] = [];
  for (const [name, { value }] of Object.entries(file.parameters)) {
    const parameter = declared[name];
    if (!parameter) {
      problems.push(`main.parameters.json sets ${name}, which the template does not declare`);
      continue;
    }
    const reference = typeof value === 'string' ? environmentReference.exec(value) : null;
    if (reference) {
      // azd substitutes text, so only a string parameter can take an environment value.
      if (!['string', 'securestring'].includes(parameter.type.toLowerCase())) {
        problems.push(
          `main.parameters.json: ${name} takes \${${reference.groups?.name}} but is ${parameter.type}`,
        );
        continue;
      }
      const fallback = reference.groups?.fallback;
      if (fallback === undefined) continue;
      for (const refusal of refusals(parameter, fallback))
        problems.push(`main.parameters.json: ${name}'s fallback ${refusal}`);
      continue;
    }
    for (const refusal of refusals(parameter, value))
      problems.push(`main.parameters.json: ${name} ${refusal}`);
  }
  for (const [name, parameter] of Object.entries(declared)) {
    if (parameter.defaultValue === undefined && !(name in file.parameters))
      problems.push(`main.parameters.json does not set ${name}, which has no default`);
  }
  return problems;
}
