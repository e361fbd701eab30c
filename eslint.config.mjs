// Type-aware linting: every rule that can use the TypeScript program does.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The floor plan (docs/architecture.md, "Floors"), lowest first: a file imports only from its own
// floor or the floors below, so each floor can be read, tested and changed without those above.
// Imports between our files are relative, so each rule matches the folder an import path names.
const featureFolders = [
  'connections',
  'exports',
  'runs',
  'segments',
  'schedule',
  'refreshes',
  'segment-events',
  'webhooks',
  'audit',
  'fair-use',
  'health',
  'list-ownership',
  // What an export keeps of its members and for how long: erasure and retention.
  'retention',
  // Not a feature, but a core folder all the same: the send slots of every Iterable key, which
  // shared/pipeline/ books.
  'flow-control',
];
/** An import path (relative, from anywhere in the repository) into one of these shared/ folders. */
const into = (folders, rest = '(?:/|$)') =>
  `^\\.\\.?/(?:\\.\\./)*(?:shared/)?(?:${folders.join('|')})${rest}`;
// A feature's HTTP operations are the HTTP adapter's, not the feature's own: they parse requests
// and answer them by calling the feature's services. They, the OpenAPI document and shared/http/
// make the HTTP floor.
const httpFloorFiles = [
  'shared/http/**/*.ts',
  'shared/openapi/**/*.ts',
  'shared/*/*-operations.ts',
  'shared/*/*-operation.ts',
];
const target = {
  clients: { name: 'shared/clients/', regex: into(['clients']) },
  snapshot: { name: 'shared/snapshot/', regex: into(['snapshot']) },
  state: { name: 'shared/state/', regex: into(['state']) },
  core: {
    name: 'a feature folder or shared/pipeline/',
    regex: into([...featureFolders, 'pipeline']),
  },
  http: { name: 'shared/http/', regex: into(['http']) },
  openapi: { name: 'the OpenAPI document (shared/openapi/)', regex: into(['openapi']) },
  operations: {
    name: "a feature's HTTP operations (*-operations.ts)",
    // In the importer's own folder (`./x-operations`) or another (`../runs/run-operations`).
    regex: '^\\.\\.?/(?:\\.\\./)*(?:shared/)?(?:[\\w-]+/)?[\\w-]+-operations?$',
  },
  app: { name: 'shared/app/', regex: into(['app']) },
  functions: { name: 'functions/', regex: '^\\.\\.?/(?:\\.\\./)*functions(?:/|$)' },
};
const above = {
  ground: [
    'clients',
    'snapshot',
    'state',
    'core',
    'http',
    'openapi',
    'operations',
    'app',
    'functions',
  ],
  clients: ['snapshot', 'state', 'core', 'http', 'openapi', 'operations', 'app', 'functions'],
  snapshot: ['state', 'core', 'http', 'openapi', 'operations', 'app', 'functions'],
  state: ['core', 'http', 'openapi', 'operations', 'app', 'functions'],
  core: ['http', 'openapi', 'operations', 'app', 'functions'],
  http: ['app', 'functions'],
  app: ['functions'],
};
/**
 * The rule for one floor: every floor above it is refused. `replace` swaps a floor's pattern for
 * narrower ones, for an exception that the block states the reason of.
 */
const layerRule = (floor, forbidden, replace = {}) => [
  'error',
  {
    patterns: forbidden.flatMap((key) =>
      (replace[key] ?? [{}]).map((pattern) => ({
        regex: target[key].regex,
        ...pattern,
        message: `${floor} may not import ${target[key].name}: a file imports only from its own floor or the floors below (docs/architecture.md, "Floors").`,
      })),
    ),
  },
];
const floorBlocks = [
  {
    files: ['shared/*.ts'],
    rules: { 'no-restricted-imports': layerRule('The ground floor (shared/*.ts)', above.ground) },
  },
  {
    // Application Insights, with local authentication off, takes the app's Entra identity, and
    // every Azure credential is made in one place: shared/clients/azure-credential.ts.
    files: ['shared/telemetry.ts'],
    rules: {
      'no-restricted-imports': layerRule('The ground floor (shared/*.ts)', above.ground, {
        clients: [{ regex: into(['clients'], '/(?!azure-credential$)') }],
      }),
    },
  },
  {
    files: ['shared/clients/**/*.ts'],
    rules: { 'no-restricted-imports': layerRule('shared/clients/', above.clients) },
  },
  {
    files: ['shared/snapshot/**/*.ts'],
    rules: { 'no-restricted-imports': layerRule('shared/snapshot/', above.snapshot) },
  },
  {
    files: ['shared/state/**/*.ts'],
    rules: { 'no-restricted-imports': layerRule('shared/state/', above.state) },
  },
  {
    files: [`shared/{${featureFolders.join(',')},pipeline}/**/*.ts`],
    ignores: httpFloorFiles,
    rules: {
      'no-restricted-imports': layerRule('A feature folder or shared/pipeline/', above.core, {
        // Services take the caller as a Principal, a type that http/auth.ts declares with the
        // token check; a type import leaves no code behind. Moving Principal to the ground floor
        // would end this exception.
        http: [
          { regex: into(['http'], '/(?!auth$)') },
          { regex: into(['http'], '/auth$'), allowTypeImports: true },
        ],
      }),
    },
  },
  {
    files: httpFloorFiles,
    ignores: ['shared/app/**'],
    rules: { 'no-restricted-imports': layerRule('The HTTP floor', above.http) },
  },
  {
    files: ['shared/app/**/*.ts'],
    rules: { 'no-restricted-imports': layerRule('shared/app/', above.app) },
  },
  {
    // Triggers are glue: a registration hands its input to shared/app/, which wires the rest.
    files: ['functions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.\\./shared/app/|@azure/functions$)',
              message:
                'functions/ may import only shared/app/ and @azure/functions: a function file registers a trigger and hands its input to shared/app/ (docs/architecture.md, "Floors").',
            },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'out/**',
      '.cache/**',
      'client/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
    },
  },
  ...floorBlocks,
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: globals.node,
    },
  },
);
