import { evaluate, iterations, property, type BicepFile } from './bicep-model';
import { storageNamesInCode } from './code-contract';
import { fileOf, runtimeStorageFile, segmentsStorageFile, type Templates } from './templates';

/**
 * Does the template create every queue, table and container the code names, in the right account?
 * Names come from shared/storage-layout.ts and the trigger registrations; the template's from the
 * resources it declares (loops expanded), not from comments or variables alone.
 */

const queueType = 'Microsoft.Storage/storageAccounts/queueServices/queues';
const tableType = 'Microsoft.Storage/storageAccounts/tableServices/tables';
const containerType = 'Microsoft.Storage/storageAccounts/blobServices/containers';

/** The names a file's resources of one type get; names known only at deployment are left out. */
export function createdNames(file: BicepFile, type: string): string[] {
  return file
    .resourcesOfType(type)
    .filter((resource) => !resource.existing)
    .flatMap((resource) =>
      iterations(resource, { file, params: {} }).map((scope) => {
        const name = property(resource.body, 'name');
        return name ? evaluate(name, scope) : undefined;
      }),
    )
    .filter((name): name is string => typeof name === 'string')
    .sort();
}

function missing(kind: string, file: string, needed: string[], created: string[]): string[] {
  return needed
    .filter((name) => !created.includes(name))
    .map((name) => `${file} does not create the ${kind} ${name}`);
}

export function checkStorageNames(templates: Templates): string[] {
  const code = storageNamesInCode();
  const runtime = fileOf(templates, runtimeStorageFile);
  const segments = fileOf(templates, segmentsStorageFile);
  return [
    ...missing('queue', runtimeStorageFile, code.queues, createdNames(runtime, queueType)),
    ...missing('table', runtimeStorageFile, code.tables, createdNames(runtime, tableType)),
    ...missing(
      'container',
      runtimeStorageFile,
      code.containers,
      createdNames(runtime, containerType),
    ),
    ...missing(
      'container',
      segmentsStorageFile,
      [code.segmentsContainer],
      [...createdNames(segments, containerType)],
    ),
  ];
}

/** Storage accounts take Entra identities only, over TLS 1.2 or later, with nothing public. */
export function checkStorageSecurity(templates: Templates): string[] {
  const expected: Record<string, string> = {
    allowSharedKeyAccess: 'false',
    minimumTlsVersion: "'TLS1_2'",
    supportsHttpsTrafficOnly: 'true',
    allowBlobPublicAccess: 'false',
  };
  const problems: string[] = [];
  for (const [name, file] of templates.files) {
    for (const account of file.resourcesOfType('Microsoft.Storage/storageAccounts')) {
      if (account.existing) continue;
      const settings = property(account.body, 'properties');
      for (const [key, value] of Object.entries(expected)) {
        const actual = settings && property(settings, key)?.text;
        if (actual !== value) problems.push(`${name}: ${account.symbol} needs ${key}: ${value}`);
      }
    }
  }
  return problems;
}
