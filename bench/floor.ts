import readline from 'node:readline';
import { Agent, request } from 'undici';
import { normalizeEmail } from '../shared/snapshot/email-address';
import { segmentStream, type SegmentOptions } from './segment-generator';

/**
 * The floor: the same members, cut into the same 1,000-member batches, posted straight to the
 * Iterable stand-in by one process, with no storage, no queues and no state. The pipeline can
 * only approach this; the ratio says what the product's bookkeeping costs.
 */
export async function postStraight(
  baseUrl: string,
  apiKey: string,
  segment: SegmentOptions,
  concurrency = 16,
): Promise<{ seconds: number; requests: number; members: number }> {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  const headers = { 'api-key': apiKey, 'content-type': 'application/json' };
  const created = await request(`${baseUrl}/api/lists`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: `Floor ${segment.size}` }),
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
  const lines = readline.createInterface({ input: segmentStream(segment), crlfDelay: Infinity });
  for await (const line of lines) {
    // The generator's quoting is simple (a quoted field never holds a comma), so a split will do.
    const cells = line.split(',').map((cell) => cell.replace(/^"|"$/g, ''));
    if (!header) {
      header = cells;
      continue;
    }
    const email = normalizeEmail(cells[0]);
    if (!email || seen.has(email)) continue;
    seen.add(email);
    batch.push({ email, dataFields: { firstName: cells[1], city: cells[3], plan: cells[5] } });
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
