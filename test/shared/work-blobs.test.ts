import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  batchBlobName,
  exportListsBlobName,
  exportStatePrefix,
  failureListsPrefix,
  failuresBlobName,
  heldBatchesBlobName,
  planCheckpointBlobName,
  planSpillBlobName,
  planStepAliveBlobName,
  rejectionsBlobName,
  removalBaselineBlobName,
  runBlobsPrefix,
  runStateBlobName,
  runStatesPrefix,
  statePointerBlobName,
  runStateRunOf,
  workBlobOf,
} from '../../shared/work-blobs';

/** A tenant id with a slash, a space and a non-ASCII letter: every one of them is encoded. */
const tenant = 'tenant/one é';
const encoded = 'tenant%2Fone%20%C3%A9';

describe('work-blobs', () => {
  // Each name is data already stored by earlier releases: these literals must never change.
  it.each([
    ['a run folder', runBlobsPrefix(tenant, 'run-1'), `${encoded}/run-1/`],
    ['a batch payload', batchBlobName(tenant, 'run-1', 42), `${encoded}/run-1/000042.json`],
    ['the first batch', batchBlobName('t', 'r', 0), 't/r/000000.json'],
    ['a batch past a million', batchBlobName('t', 'r', 1234567), 't/r/1234567.json'],
    ['the failure lists', failureListsPrefix(tenant, 'run-1'), `${encoded}/run-1/failures/`],
    [
      'a failure list',
      failuresBlobName(tenant, 'run-1', 7),
      `${encoded}/run-1/failures/000007.json`,
    ],
    ['the rejections', rejectionsBlobName(tenant, 'run-1'), `${encoded}/run-1/rejections.jsonl`],
    ['the held batches', heldBatchesBlobName(tenant, 'run-1'), `${encoded}/run-1/held.jsonl`],
    ['a plan checkpoint', planCheckpointBlobName(tenant, 'r'), `${encoded}/r/plan/checkpoint.json`],
    ['a step alive', planStepAliveBlobName(tenant, 'r', 3), `${encoded}/r/plan/step-0003.alive`],
    [
      'a spilled partition',
      planSpillBlobName(tenant, 'r', 1, 'members', 7),
      `${encoded}/r/plan/1/members-07.txt.gz`,
    ],
    ['an export folder', exportStatePrefix(tenant, 'export-1'), `${encoded}/export-1/`],
    [
      'the state pointer',
      statePointerBlobName(tenant, 'export-1'),
      `${encoded}/export-1/state.json`,
    ],
    ['the run states', runStatesPrefix(tenant, 'export-1'), `${encoded}/export-1/runs/`],
    [
      'a planned run state',
      runStateBlobName(tenant, 'export-1', 'run-1', 'Members: A/B'),
      `${encoded}/export-1/runs/run-1/Members%3A%20A%2FB.tsv.gz`,
    ],
    [
      'a confirmed run state',
      runStateBlobName(tenant, 'export-1', 'run-1', 'Members', 'c0ffee'),
      `${encoded}/export-1/runs/run-1/Members.confirmed-c0ffee.tsv.gz`,
    ],
    ['the export lists', exportListsBlobName(tenant, 'export-1'), `${encoded}/export-1/lists.json`],
    [
      'the removal baseline',
      removalBaselineBlobName(tenant, 'export-1'),
      `${encoded}/export-1/removal-baseline.json`,
    ],
  ])('names %s as earlier releases did', (_what, name, expected) => {
    expect(name).toBe(expected);
  });

  it('reads back which run a blob belongs to and whether it lists what was refused', () => {
    const run = { tenantFolder: encoded, runId: 'r' };
    expect(workBlobOf(batchBlobName(tenant, 'r', 3))).toEqual({ ...run, refused: false });
    expect(workBlobOf(heldBatchesBlobName(tenant, 'r'))).toEqual({ ...run, refused: false });
    expect(workBlobOf(failuresBlobName(tenant, 'r', 3))).toEqual({ ...run, refused: true });
    expect(workBlobOf(rejectionsBlobName(tenant, 'r'))).toEqual({ ...run, refused: true });
    expect(workBlobOf('loose.json')).toBeUndefined();
    expect(runStateRunOf(tenant, 'e', runStateBlobName(tenant, 'e', 'r', 'S', 'x'))).toBe('r');
    expect(runStateRunOf(tenant, 'e', statePointerBlobName(tenant, 'e'))).toBeUndefined();
    expect(runStateRunOf(tenant, 'e', runStateBlobName(tenant, 'f', 'r', 'S'))).toBeUndefined();
  });

  it('keeps every blob of a run under its prefix, and of an export under its own', () => {
    const run = runBlobsPrefix(tenant, 'r');
    for (const name of [
      batchBlobName(tenant, 'r', 1),
      failuresBlobName(tenant, 'r', 1),
      rejectionsBlobName(tenant, 'r'),
      heldBatchesBlobName(tenant, 'r'),
    ])
      expect(name.startsWith(run)).toBe(true);
    const exported = exportStatePrefix(tenant, 'e');
    for (const name of [
      statePointerBlobName(tenant, 'e'),
      runStateBlobName(tenant, 'e', 'r', 'S'),
      exportListsBlobName(tenant, 'e'),
      removalBaselineBlobName(tenant, 'e'),
    ])
      expect(name.startsWith(exported)).toBe(true);
    // A tenant whose id starts like another's does not share its folder.
    expect(batchBlobName('t', 'r', 1).startsWith(runBlobsPrefix('t/x', 'r'))).toBe(false);
  });
});

/**
 * Code (comments removed) that builds a path into the work or export-state container: one of
 * their file names or folders joined to a folder, or a name ending as theirs do. Routes and
 * table keys (`/runs/${runId}`, a padded batch number in a row key) are not blob paths.
 */
const blobPathPatterns = [
  /[/}](held|rejections)\.jsonl[`'"]/,
  /[/}](state|lists|removal-baseline)\.json[`'"]/,
  /[/}]failures\//,
  /[/}]runs\/[`'"]/,
  /\}(\.confirmed-[^`]*)?\.tsv\.gz/,
  /\}\.json[`'"]/,
];

/** Comments that start a line: a `/*` inside a string (`failures/*.json`) starts none. */
function withoutComments(source: string): string {
  return source.replace(/^\s*\/\*[\s\S]*?\*\//gm, '').replace(/^\s*\/\/.*$/gm, '');
}

function buildsBlobPath(source: string): boolean {
  const code = withoutComments(source);
  return blobPathPatterns.some((pattern) => pattern.test(code));
}

describe('blob paths built outside work-blobs', () => {
  const shared = path.resolve(__dirname, '..', '..', 'shared');
  const files = readdirSync(shared, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.ts'),
  );

  it('finds the paths the module builds, so the scan can catch a copy', () => {
    const module = readFileSync(path.join(shared, 'work-blobs.ts'), 'utf8');
    expect(buildsBlobPath(module)).toBe(true);
    for (const copy of [
      'getBlockBlobClient(`${encodeURIComponent(tenantId)}/${runId}/held.jsonl`)',
      'const name = `${folder}/state.json`;',
      'listBlobsFlat({ prefix: `${folder}/failures/` })',
      'listBlobsFlat({ prefix: `${folder}/runs/` })',
      '`${segment}.tsv.gz`',
      "`${run}/${String(batch).padStart(6, '0')}.json`",
    ])
      expect(buildsBlobPath(copy)).toBe(true);
    // Names of formats and comments are not paths.
    expect(buildsBlobPath("versionedBlobFormat('export lists (lists.json)');")).toBe(false);
    expect(buildsBlobPath('/** kept in `<run>/held.jsonl` */')).toBe(false);
    expect(
      buildsBlobPath("format('list (failures/*.json)');\nconst name = `${run}/failures/${file}`;"),
    ).toBe(true);
    expect(buildsBlobPath('location: `${api}/exports/${exportId}/runs/${runId}`')).toBe(false);
  });

  it('has no file in shared/ but work-blobs.ts building one', () => {
    expect(files.length).toBeGreaterThan(150);
    const builders = files.filter(
      (file) =>
        file !== 'work-blobs.ts' && buildsBlobPath(readFileSync(path.join(shared, file), 'utf8')),
    );
    expect(builders).toEqual([]);
  });
});
