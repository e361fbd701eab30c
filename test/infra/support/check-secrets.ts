import { descendantsOfType, property, stringLiteral, where } from './bicep-model';
import { apiFile, fileOf, readJson, type Templates } from './templates';

/**
 * No key, connection string or secret reaches an output, an app setting or a parameter default:
 * the deployment is identity-only. Bicep's list*() functions (listKeys, listConnectionStrings,
 * listAccountSas, ...) are how a template reads secrets, so none may be called at all.
 */

/** Whether a name speaks of a secret: `apiKey`, `STORAGE_CONNECTION_STRING`; not `keyVaultUri`. */
export function namedLikeSecret(name: string): boolean {
  const words = name
    .split(/[_\W]+|(?<=[a-z0-9])(?=[A-Z])/)
    .map((word) => word.toLowerCase())
    .filter(Boolean);
  return words.some(
    (word, index) =>
      ['secret', 'secrets', 'password', 'passwd', 'token', 'sas'].includes(word) ||
      (['key', 'keys'].includes(word) && words[index + 1] !== 'vault') ||
      (word === 'connection' && words[index + 1] === 'string'),
  );
}
/** Text that only a credential contains. */
const credentialText =
  /(AccountKey=|SharedAccessSignature=|SharedAccessKey=|DefaultEndpointsProtocol=|[?&]sig=)/i;

/** The one connection string an app setting may carry, and only because it holds no credential. */
const applicationInsightsSetting = 'APPLICATIONINSIGHTS_CONNECTION_STRING';

export function checkNoSecrets(templates: Templates): string[] {
  return [
    ...checkCalls(templates),
    ...checkOutputs(templates),
    ...checkParameters(templates),
    ...checkAppSettingNames(templates),
    ...checkParametersFile(templates),
  ];
}

function checkCalls(templates: Templates): string[] {
  const problems: string[] = [];
  for (const [name, file] of templates.files) {
    for (const call of descendantsOfType(file.root, 'call_expression')) {
      const callee = call.childForFieldName('function')?.text ?? '';
      if (/(^|\.)list\w*$/i.test(callee)) problems.push(`${where(name, call)} calls ${callee}()`);
    }
    for (const text of descendantsOfType(file.root, 'string')) {
      if (credentialText.test(stringLiteral(text))) {
        problems.push(`${where(name, text)} holds credential text`);
      }
    }
  }
  return problems;
}

function checkOutputs(templates: Templates): string[] {
  const problems: string[] = [];
  for (const [name, file] of templates.files) {
    const secureParams = [...file.params.values()]
      .filter((param) => param.decorators.some((decorator) => decorator.startsWith('@secure')))
      .map((param) => param.name);
    for (const output of file.outputs) {
      const value = output.value.text;
      if (namedLikeSecret(output.name)) {
        problems.push(`${name}: output ${output.name} is named like a secret`);
      }
      if (/ConnectionString|InstrumentationKey|primaryKey|secondaryKey|\.keys\b/i.test(value)) {
        problems.push(`${name}: output ${output.name} carries ${value}`);
      }
      if (secureParams.some((param) => new RegExp(`\\b${param}\\b`).test(value))) {
        problems.push(`${name}: output ${output.name} carries a @secure() parameter`);
      }
    }
  }
  return problems;
}

function checkParameters(templates: Templates): string[] {
  const problems: string[] = [];
  for (const [name, file] of templates.files) {
    for (const param of file.params.values()) {
      const secure = param.decorators.some((decorator) => decorator.startsWith('@secure'));
      const looksSecret = namedLikeSecret(param.name);
      if ((secure || looksSecret) && param.defaultValue) {
        problems.push(`${name}: parameter ${param.name} has a default, and may hold a secret`);
      }
    }
  }
  return problems;
}

/** App settings named like secrets: only Application Insights' credential-free string passes. */
function checkAppSettingNames(templates: Templates): string[] {
  const api = fileOf(templates, apiFile);
  const resource = api
    .resourcesOfType('Microsoft.Web/sites/config')
    .find((candidate) => property(candidate.body, 'name')?.text === "'appsettings'");
  const settings = resource && property(resource.body, 'properties');
  if (!settings) return [];
  const problems: string[] = [];
  for (const setting of settings.namedChildren.filter(
    (child) => child.type === 'object_property',
  )) {
    const [key, value] = setting.namedChildren;
    const settingName = key?.text ?? '';
    if (settingName === applicationInsightsSetting) {
      problems.push(...checkApplicationInsightsSetting(templates, value?.text ?? ''));
    } else if (namedLikeSecret(settingName)) {
      problems.push(`${apiFile}: app setting ${settingName} is named like a secret`);
    }
    if (
      /ConnectionString|InstrumentationKey/.test(value?.text ?? '') &&
      settingName !== applicationInsightsSetting
    ) {
      problems.push(`${apiFile}: app setting ${settingName} carries ${value?.text ?? ''}`);
    }
  }
  return problems;
}

/** Application Insights' connection string holds no credential once local auth is off. */
function checkApplicationInsightsSetting(templates: Templates, value: string): string[] {
  const [, symbol] = /^(\w+)\.properties\.ConnectionString$/.exec(value) ?? [];
  const component = fileOf(templates, apiFile)
    .resourcesOfType('Microsoft.Insights/components')
    .find((resource) => resource.symbol === symbol);
  if (!component)
    return [`${apiFile}: ${applicationInsightsSetting} must be a component's ConnectionString`];
  const localAuthOff = [...templates.files.values()].flatMap((file) =>
    file
      .resourcesOfType('Microsoft.Insights/components')
      .filter((resource) => !resource.existing)
      .map(
        (resource) =>
          property(property(resource.body, 'properties') ?? resource.body, 'DisableLocalAuth')
            ?.text,
      ),
  );
  return localAuthOff.length > 0 && localAuthOff.every((text) => text === 'true')
    ? []
    : [
        `${applicationInsightsSetting} is a credential unless the component has DisableLocalAuth: true`,
      ];
}

/** The parameters file passes environment values through; it writes down no secret itself. */
function checkParametersFile(templates: Templates): string[] {
  const file = readJson(templates, 'main.parameters.json') as
    { parameters?: Record<string, { value?: unknown }> } | undefined;
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(file?.parameters ?? {})) {
    const value = entry.value;
    if (typeof value === 'string' && credentialText.test(value)) {
      problems.push(`main.parameters.json: ${name} holds credential text`);
    }
    if (namedLikeSecret(name) && !(typeof value === 'string' && /^\$\{[A-Z0-9_]+\}$/.test(value))) {
      problems.push(
        `main.parameters.json: ${name} must come from the environment, with no default`,
      );
    }
  }
  return problems;
}
