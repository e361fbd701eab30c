/** What `npm run smoke -- --help` prints: how to call it, what it checks and what it changes. */
export const smokeUsage = `Usage: npm run smoke -- --url <app url> [options]

Checks a deployed app: its health, its OpenAPI document and, with a token, a dry run of one
segment. Prints one line per check (✓ passed, ✗ failed, – skipped).

Options:
  --url <url>                    the app's base URL, e.g. https://<app>.azurewebsites.net (required)
  --token <jwt>                  bearer token of an Admin (or a Contributor the connection allows);
                                 without it SMOKE_TOKEN is read, which is safer: a flag is visible
                                 in the process list. The token is never printed.
  --segment <name>               the segment to dry-run; it must exist
  --export <id>                  dry-run this existing export, which must include the segment
  --connection <id>              or dry-run a temporary export of the segment on this connection
  --email-field <column>         with --connection: the column holding the e-mail (default email)
  --timeout-seconds <n>          how long the dry run may take, request to end (default 300)
  --request-timeout-seconds <n>  how long each HTTP request may take (default 30)
  --help                         this text

Checks:
  health     GET /api/health answers 200 with status healthy (version and checks printed)
  openapi    GET /api/openapi.json answers an OpenAPI 3.1 document with paths
  segment    GET /api/segments/{name} finds the segment (columns printed)
  export     the export includes the segment, or the temporary export is created
  dry run    POST /api/exports/{id}/runs {"dryRun": true}, followed through Operation-Location
             until the run ends; passes when it ends succeeded (counts printed)
  cleanup    with --connection: the temporary export is deleted, whatever happened before
Without a token only health and openapi run. Exit code: 0 when every check that ran passed,
1 when one failed (or a dry run was asked for without a token), 2 for bad arguments.

What a smoke run changes:
  No profile is sent to Iterable and no list member is added or removed: a dry run reads the
  snapshot, plans and counts. It calls Iterable once, GET /api/lists with the connection's key.
  --connection: creates the export "smoke-test <segment> <time>" (schedule off, addOnly), which
    has no list yet, so nothing is created in Iterable; the export is deleted afterwards, also
    when a check fails or the run is interrupted (Ctrl-C).
  --export: while the dry run lasts it is the export's active run: a run requested meanwhile
    answers 409 and a scheduled slot due meanwhile is recorded as skipped (RunActive). A dry run
    still active at --timeout-seconds is cancelled. If a list the export sends to was deleted in
    Iterable, the dry run creates an empty list with the segment's name again (the next real run
    adopts it): the one change a dry run can make in Iterable.
  Either way the app keeps what it keeps for any run: the run record, audit entries (run
  requested; export created and deleted) and, when rows were refused, the run's rejections.
`;
