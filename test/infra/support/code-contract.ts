import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { loadSettings } from '../../../shared/settings';
import {
  containerNames,
  poisonQueueName,
  queueNames,
  segmentsContainerName,
  tableNames,
} from '../../../shared/storage-layout';

/**
 * What the deployed code needs from its environment, read from the code itself: the settings it
 * reads, the storage names it uses, the names its trigger bindings resolve, and the Azure SDK
 * operations it calls. The contract checks compare the templates with this.
 */

export const repoRoot = path.resolve(__dirname, '../../..');

/** The folders whose code is bundled into the deployment package (scripts/bundle-app.ts): only their needs count. */
const deployedFolders = ['functions', 'shared'];

export interface SettingsRun {
  /** Every setting name the settings module looked up, in order, once each. */
  reads: string[];
  error?: Error;
}

/** Runs the settings module on an environment and records each name it reads. */
export function runSettingsModule(env: Record<string, string>): SettingsRun {
  const reads: string[] = [];
  const recording = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string' && !reads.includes(name)) reads.push(name);
      return typeof name === 'string' ? target[name] : undefined;
    },
  });
  try {
    loadSettings(recording);
    return { reads };
  } catch (error) {
    return { reads, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

export interface StorageNames {
  queues: string[];
  tables: string[];
  containers: string[];
  segmentsContainer: string;
}

/** The queues (with their poison queues), tables and containers the code names. */
export function storageNamesInCode(): StorageNames {
  const bound = functionBindings().queueNames;
  const queues = Object.values(queueNames).flatMap((name) => [name, poisonQueueName(name)]);
  return {
    queues: [...new Set([...queues, ...bound])].sort(),
    tables: Object.values(tableNames).sort(),
    containers: Object.values(containerNames).sort(),
    segmentsContainer: segmentsContainerName,
  };
}

export interface FunctionBindings {
  /** Queues named by queue triggers and outputs. */
  queueNames: string[];
  /** Connection setting prefixes named by triggers and bindings (`connection: '...'`). */
  connections: string[];
  /** App settings named in binding expressions such as `%REFRESH_TIMER_SCHEDULE%`. */
  settingExpressions: string[];
}

/** Reads the trigger registrations in functions/: the names the Functions host resolves. */
export function functionBindings(): FunctionBindings {
  const folder = path.join(repoRoot, 'functions');
  const sources = readdirSync(folder)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => readFileSync(path.join(folder, name), 'utf8'));
  const all = (pattern: RegExp): string[] =>
    [...new Set(sources.flatMap((source) => [...source.matchAll(pattern)].map((m) => m[1] ?? '')))]
      .filter(Boolean)
      .sort();
  return {
    queueNames: all(/queueName:\s*['"`]([^'"`%]+)['"`]/g),
    connections: all(/connection:\s*['"`]([^'"`]+)['"`]/g),
    settingExpressions: all(/['"`][^'"`]*%([A-Za-z0-9_]+)%[^'"`]*['"`]/g),
  };
}

export interface SdkCall {
  /** The npm package that declares the method, e.g. `@azure/keyvault-secrets`. */
  sdk: string;
  /** `Class.method`, as the SDK declares it. */
  operation: string;
  /** Where the code calls it, `file:line`. */
  at: string;
}

let sdkCalls: SdkCall[] | undefined;

/**
 * Every call the deployed code makes to a method of an Azure SDK class, found with the TypeScript
 * type checker (so `clients.secrets.getSecret(...)` is known to be `SecretClient.getSecret`).
 * Type-checking the app takes seconds: the answer is kept for the test file.
 */
export function azureSdkCalls(): SdkCall[] {
  sdkCalls ??= findSdkCalls();
  return sdkCalls;
}

function findSdkCalls(): SdkCall[] {
  const configFile = ts.readConfigFile(path.join(repoRoot, 'tsconfig.json'), (file) =>
    ts.sys.readFile(file),
  );
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, repoRoot);
  const rootNames = parsed.fileNames.filter((file) =>
    deployedFolders.some((folder) => path.relative(repoRoot, file).startsWith(folder + path.sep)),
  );
  const program = ts.createProgram({ rootNames, options: parsed.options });
  const checker = program.getTypeChecker();
  const calls: SdkCall[] = [];
  for (const source of program.getSourceFiles()) {
    if (!rootNames.includes(path.resolve(source.fileName))) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const call = sdkCall(checker, node.expression, source);
        if (call) calls.push(call);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return calls;
}

function sdkCall(
  checker: ts.TypeChecker,
  access: ts.PropertyAccessExpression,
  source: ts.SourceFile,
): SdkCall | undefined {
  const symbol = checker.getSymbolAtLocation(access.name);
  const declaration = symbol?.declarations?.[0];
  if (!declaration) return undefined;
  const declaredIn = declaration.getSourceFile().fileName;
  const sdk = /node_modules\/(@azure\/[^/]+)\//.exec(declaredIn)?.[1];
  if (!sdk) return undefined;
  const owner = declaration.parent;
  const className =
    (ts.isClassDeclaration(owner) || ts.isInterfaceDeclaration(owner)) && owner.name
      ? owner.name.text
      : '?';
  const { line } = source.getLineAndCharacterOfPosition(access.name.getStart(source));
  return {
    sdk,
    operation: `${className}.${access.name.text}`,
    at: `${path.relative(repoRoot, source.fileName)}:${line + 1}`,
  };
}
