import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { normalizeEmail } from '../shared/snapshot/email-address';

/**
 * The floor: the same snapshot downloaded from the same storage, its members normalised and
 * de-duplicated with the same data fields, cut into the same 1,000-member batches and posted
 * straight to the Iterable stand-in by one process, with no queues, no state and no bookkeeping.
 * The pipeline can only approach this; the ratio says what the product's bookkeeping costs.
 */
export async function postStraight(
  baseUrl: string,
  apiKey: string,
  segment: {
    name: string;
    /** The snapshot's download, opened once the clock runs: reading it is part of the work. */
    download: () => Promise<Readable>;
    /** Iterable field → CSV column, as the export maps them. */
    dataFields: Record<string, string>;
  },
  concurrency = 16,
): Promise<{ seconds: number; requests: number; members: number }> {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  const headers = { 'api-key': apiKey, 'content-type': 'application/json' };
  const created = await request(`${baseUrl}/api/lists`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: `Floor ${segment.name}` }),
    dispatcher: agent,
  });
  const { listId } = (await created.body.json()) as { listId: number };
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let requests = 0;
  let members = 0;
  const post = async (subscribers: object[]) => {
    requests++;
    const response = await request(`${baseUrl}/api/lists/subscribe`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ listId, subscribers, updateExistingUsersOnly: false }),
      dispatcher: agent,
    });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`floor post: ${response.statusCode}`);
  };
  const seen = new Set<string>();
  let batch: object[] = [];
  let header: string[] | undefined;
  let columns: [string, number][] = [];
  const input = await segment.download();
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    // The generator's quoting is simple (a quoted field never holds a comma), so a split will do.
    const cells = line.split(',').map((cell) => cell.replace(/^"|"$/g, ''));
    if (!header) {
      header = cells;
      columns = Object.entries(segment.dataFields).map(([field, column]) => [
        field,
        cells.indexOf(column),
      ]);
      continue;
    }
    const email = normalizeEmail(cells[0]);
    if (!email || seen.has(email)) continue;
    seen.add(email);
    // Every mapped field, an empty cell left out, as the export sends them.
    const dataFields: Record<string, string> = {};
    for (const [field, column] of columns) {
      const value = cells[column];
      if (value) dataFields[field] = value;
    }
    batch.push({ email, dataFields });
    members++;
    if (batch.length === 1000) {
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      const sending = post(batch).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      batch = [];
    }
  }
  if (batch.length) await post(batch);
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  return { seconds, requests, members };
}
