import { devTenantId } from '../local/dev-issuer';

/** What `npm run segment -- --help` prints. */
export const segmentUsage = `Usage:
  npm run segment -- put FILE --tenant TID [--name NAME]
  npm run segment -- list --tenant TID

put   writes FILE as the snapshot of segment NAME of tenant TID, exactly where the app reads it:
      container segments, blob {TID}/{NAME}.csv|.jsonl[.gz]. The format comes from FILE's name,
      which must end in .csv, .jsonl, .csv.gz or .jsonl.gz; a .gz file must be gzip and only a
      .gz file may be. NAME defaults to FILE's name without those extensions. The segment's blobs
      of other formats are removed (the app refuses a segment held by two blobs). Then the
      segment is read back as the app reads it, and its columns (or why it cannot be exported)
      are printed.
list  the tenant's snapshots as GET /api/segments shows them: name, format, size, last
      modified, columns or the problem.

TID is the tenant id: the tid claim of the tenant users' tokens, the x-tenant-id the platform
sends (a GUID is written in lower case, as the app keys tenants). The tokens npm start prints
carry ${devTenantId}.

Storage: SEGMENTS_STORAGE, else AzureWebJobsStorage, as the app reads them (a connection string,
or NAME__accountName / NAME__blobServiceUri to sign in with Entra ID, e.g. after az login);
with neither, the Azurite of npm start (its standard ports, or AZURITE_PORTS).

Exit code: 0 done, 1 storage failed or the app cannot use the snapshot, 2 bad arguments.
`;
