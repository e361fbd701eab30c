import { listSnapshots, putSnapshot, type CommandResult } from './segment-commands';
import { ArgumentError, parseSegmentArguments } from './segment-options';
import { segmentStorage } from './segment-storage';
import { segmentUsage } from './segment-usage';

/**
 * `npm run segment -- put FILE --tenant TID --name NAME`: writes a segment snapshot where the app
 * reads it; `list --tenant TID` shows the tenant's snapshots as the app sees them.
 */
async function main(): Promise<number> {
  // npm runs scripts in the package folder; INIT_CWD is where it was called from.
  const parsed = parseSegmentArguments(
    process.argv.slice(2),
    process.env.INIT_CWD ?? process.cwd(),
  );
  if (parsed.kind === 'help') {
    console.log(segmentUsage);
    return 0;
  }
  if (parsed.kind === 'error') return refuse(parsed.message);
  try {
    const storage = segmentStorage(process.env);
    const result: CommandResult =
      parsed.kind === 'put'
        ? await putSnapshot(storage, parsed.request)
        : await listSnapshots(storage, parsed.tenantId);
    for (const line of result.lines) console.log(line);
    return result.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof ArgumentError) return refuse(error.message);
    // Storage that cannot be reached, a failed upload: the message says which and why.
    if (error instanceof Error) {
      console.error(`segment: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function refuse(message: string): number {
  console.error(`segment: ${message}\nRun with --help for usage.`);
  return 2;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
